package clerk.worker;

import clerk.client.ClerkSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/** A worker's logging in a JVM of its own (WorkerLoggingTest): lines before, in and after a Spring application. */
public final class LoggingProbe {
  @SpringBootConfiguration
  static class Empty {}

  public static void main(String[] args) {
    ClerkSettings settings = ClerkSettings.fromEnvironment();
    WorkerLogging.start(settings);
    Logger log = LoggerFactory.getLogger(LoggingProbe.class);
    log.info("before the application context");
    SpringApplication app = new SpringApplication(Empty.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setDefaultProperties(WorkerLogging.springProperties(settings));
    try (ConfigurableApplicationContext context = app.run()) {
      log.info("in the application context");
    }
    log.warn("a failure", new IllegalStateException("boom"));
  }
}
