package clerk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The light commands' module stays a small client: its class path (this test's: the module's own
 * dependencies plus JUnit and AssertJ) has neither the worker nor Spring Boot's web stack, actuator or
 * auto-configuration, nor an embedded Temporal server. A dependency that brings one fails here.
 */
class LightCliTest {
  /** One class of each: the worker, Spring MVC, Tomcat, Spring Boot's web server, actuator, auto-configuration, the Temporal Spring starter, Temporal's test server. */
  static final List<String> HEAVY = List.of(
      "clerk.worker.ClerkWorkerApplication",
      "org.springframework.web.servlet.DispatcherServlet",
      "org.apache.catalina.startup.Tomcat",
      "org.springframework.boot.web.server.WebServer",
      "org.springframework.boot.actuate.health.HealthIndicator",
      "org.springframework.boot.autoconfigure.SpringBootApplication",
      "io.temporal.spring.boot.TemporalOptionsCustomizer",
      "io.temporal.internal.testservice.TestServicesStarter");

  @Test
  void theLightCommandsCannotLoadTheWorkerOrSpringsWebStack() {
    assertThat(HEAVY).allSatisfy(name -> assertThat(loadable(name)).as(name).isFalse());
  }

  @Test
  void theCheckCanSeeWhatIsThere() {
    // Negative control: the same check finds the classes the light commands do use.
    assertThat(loadable("clerk.client.ClerkSettings")).isTrue();
    assertThat(loadable("io.temporal.client.WorkflowClient")).isTrue();
    assertThat(loadable("picocli.CommandLine")).isTrue();
  }

  private static boolean loadable(String name) {
    try {
      Class.forName(name, false, LightCliTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
