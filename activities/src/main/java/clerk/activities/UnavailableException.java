package clerk.activities;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/**
 * Something the activity needs is not there: the database cannot be reached, the storage folder is not
 * mounted. Not the document's fault: the pipeline waits it out and runs the document again, however
 * long it lasts, and never records it as the document's failure.
 */
public class UnavailableException extends RuntimeException {
  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether an error means the database could not be reached or went away mid-way (connection
   * exceptions, SQLSTATE class 08; server shutting down or starting, 57P01-57P03), rather than a
   * problem with what was asked of it.
   */
  public static boolean isDatabaseUnreachable(Throwable error) {
    if (isPoolExhausted(error)) {
      return false;
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().matches("57P0[123]"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static final java.util.regex.Pattern POOL_STATE =
      java.util.regex.Pattern.compile("\\(total=(\\d+), active=(\\d+),");

  /**
   * Whether a connection could not be had because every pooled connection was in use (HikariCP's
   * timeout with no connection error behind it): the database is fine, this is back-pressure and
   * is retried like any passing error, never taken for an outage.
   */
  public static boolean isPoolExhausted(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException && t.getCause() == null && t.getMessage() != null) {
        java.util.regex.Matcher m = POOL_STATE.matcher(t.getMessage());
        return m.find() && Integer.parseInt(m.group(1)) > 0 && m.group(1).equals(m.group(2));
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
