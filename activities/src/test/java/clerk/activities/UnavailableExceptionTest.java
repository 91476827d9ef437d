package clerk.activities;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.DatabaseException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class UnavailableExceptionTest {
  @Test
  void connectionErrorsAreUnreachableOtherDatabaseErrorsAreNot() {
    // Refused, lost mid-way, the server shutting down: wherever they sit in the cause chain.
    assertThat(UnavailableException.isDatabaseUnreachable(
        new DatabaseException(new SQLException("Connection refused", "08001")))).isTrue();
    assertThat(UnavailableException.isDatabaseUnreachable(
        new IOException(new SQLException("I/O error sending to the backend", "08006")))).isTrue();
    assertThat(UnavailableException.isDatabaseUnreachable(
        new DatabaseException(new SQLException("terminating connection due to administrator command", "57P01"))))
        .isTrue();
    // What Hikari throws when no connection came within its timeout.
    assertThat(UnavailableException.isDatabaseUnreachable(
        new SQLTransientConnectionException("clerk - Connection is not available"))).isTrue();

    assertThat(UnavailableException.isDatabaseUnreachable(
        new DatabaseException(new SQLException("duplicate key", "23505")))).isFalse();
    assertThat(UnavailableException.isDatabaseUnreachable(
        new DatabaseException(new SQLException("syntax error", "42601")))).isFalse();
    assertThat(UnavailableException.isDatabaseUnreachable(new IllegalStateException("bug"))).isFalse();
  }
}
