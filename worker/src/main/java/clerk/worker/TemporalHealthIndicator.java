package clerk.worker;

import clerk.client.ClerkSettings;
import io.grpc.health.v1.HealthCheckResponse;
import io.temporal.client.WorkflowClient;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** {@code /actuator/health} component "temporal": the frontend's gRPC health check. */
@Component("temporal")
public class TemporalHealthIndicator implements HealthIndicator {
  private final WorkflowClient client;
  private final ClerkSettings settings;

  public TemporalHealthIndicator(WorkflowClient client, ClerkSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  @Override
  public Health health() {
    try {
      HealthCheckResponse response = client.getWorkflowServiceStubs().healthCheck();
      Health.Builder health = response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
          ? Health.up() : Health.down();
      return health.withDetail("address", settings.temporalAddress())
          .withDetail("namespace", settings.namespace())
          .withDetail("status", response.getStatus().name())
          .build();
    } catch (RuntimeException e) {
      return Health.down().withDetail("address", settings.temporalAddress()).withDetail("error", e.getMessage()).build();
    }
  }
}
