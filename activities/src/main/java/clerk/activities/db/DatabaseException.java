package clerk.activities.db;

import java.sql.SQLException;

/** A database error; transient ones (connection lost) are retried by Temporal like any activity error. */
public class DatabaseException extends RuntimeException {
  public DatabaseException(SQLException cause) {
    super(cause.getMessage(), cause);
  }
}
