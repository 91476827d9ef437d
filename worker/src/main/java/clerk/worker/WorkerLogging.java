package clerk.worker;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;

/**
 * The worker's logging, set before its embedded services start so their first lines are logged like
 * the rest: INFO (CLI commands log warnings only), and Spring Boot's logging system from then on.
 */
final class WorkerLogging {
  private WorkerLogging() {}

  static void start(ClerkSettings settings) {
    LoggingSystem system = LoggingSystem.get(WorkerLogging.class.getClassLoader());
    system.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
  }
}
