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

  @Test
  void aPoolWhoseConnectionsAreAllInUseIsBackPressureNotAnOutage() throws Exception {
    javax.sql.DataSource db = TestDatabase.fresh();
    String url;
    try (java.sql.Connection c = db.getConnection()) {
      url = c.getMetaData().getURL();
    }
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername("postgres");
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(250);
    try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config);
        java.sql.Connection held = pool.getConnection()) {
      SQLException exhausted = org.assertj.core.api.Assertions.catchThrowableOfType(
          SQLException.class, pool::getConnection);
      assertThat(UnavailableException.isPoolExhausted(exhausted)).as(exhausted.getMessage()).isTrue();
      assertThat(UnavailableException.isDatabaseUnreachable(new DatabaseException(exhausted))).isFalse();
    }
    // A pool that cannot connect at all is an outage.
    com.zaxxer.hikari.HikariConfig nowhere = new com.zaxxer.hikari.HikariConfig();
    nowhere.setJdbcUrl("jdbc:postgresql://127.0.0.1:1/none");
    nowhere.setInitializationFailTimeout(-1);
    nowhere.setConnectionTimeout(250);
    try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(nowhere)) {
      SQLException down = org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class, pool::getConnection);
      assertThat(UnavailableException.isPoolExhausted(down)).isFalse();
      assertThat(UnavailableException.isDatabaseUnreachable(down)).isTrue();
    }
  }
}
