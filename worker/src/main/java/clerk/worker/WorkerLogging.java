package clerk.worker;

import clerk.client.ClerkSettings;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The worker's logging, set before its embedded services start so their first lines are logged like
 * the rest: INFO (CLI commands log warnings only), and with CLERK_LOG_FORMAT=json Spring Boot's
 * structured logging (ECS) from the first line to the last.
 */
final class WorkerLogging {
  static final String JSON_CONFIG = "classpath:clerk/worker/logback-json.xml";

  private WorkerLogging() {}

  /** What Spring Boot is told, for the worker's application context and before it. */
  static Map<String, Object> springProperties(ClerkSettings settings) {
    Map<String, Object> p = new HashMap<>();
    if (settings.jsonLogs()) {
      p.put("logging.config", JSON_CONFIG);
      p.put("logging.structured.format.console", "ecs");
      p.put("logging.structured.ecs.service.name", "clerk-worker");
    }
    return p;
  }

  static void start(ClerkSettings settings) {
    LoggingSystem system = LoggingSystem.get(WorkerLogging.class.getClassLoader());
    if (settings.jsonLogs()) {
      // Initialised now, Spring Boot keeps this configuration when the application context starts.
      StandardEnvironment environment = new StandardEnvironment();
      environment.getPropertySources().addFirst(new MapPropertySource("clerk-logging", springProperties(settings)));
      system.beforeInitialize();
      system.initialize(new LoggingInitializationContext(environment), JSON_CONFIG, null);
    }
    system.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
  }
}
