package clerk.client;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.workflows.ReconciliationRequest;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Schedule the worker creates on a real cluster, and its cron fallback, from the settings. */
class ReconciliationScheduleTest {
  @Test
  void theScheduleCarriesTheTimersDesign() {
    ClerkSettings settings = ClerkSettings.from(Map.of(
        "CLERK_RECONCILE_INTERVAL", "15m", "CLERK_STALE_THRESHOLD", "3h", "CLERK_RECONCILE_TIMEOUT", "20m"));
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:1").build()); // never called
    try {
      Schedule schedule =
          new ReconciliationSchedule(WorkflowClient.newInstance(stubs), settings).schedule();
      assertThat(schedule.getSpec().getIntervals()).extracting(ScheduleIntervalSpec::getEvery)
          .containsExactly(Duration.ofMinutes(15));
      assertThat(schedule.getSpec().getJitter()).isEqualTo(Duration.ofSeconds(90));
      assertThat(schedule.getPolicy().getOverlap()).isEqualTo(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
      assertThat(schedule.getPolicy().getCatchupWindow()).isEqualTo(Duration.ofDays(1));
      ScheduleActionStartWorkflow action = (ScheduleActionStartWorkflow) schedule.getAction();
      assertThat(action.getWorkflowType()).isEqualTo("Reconciliation");
      assertThat(action.getOptions().getWorkflowRunTimeout()).isEqualTo(Duration.ofMinutes(20));
      assertThat(action.getOptions().getTaskQueue()).isEqualTo("clerk-pipeline");
      assertThat(action.getArguments().get(0, ReconciliationRequest.class, ReconciliationRequest.class))
          .isEqualTo(new ReconciliationRequest("schedule", 180, false, null));
    } finally {
      stubs.shutdownNow();
    }
  }

  @Test
  void jitterIsATenthOfTheIntervalAtMostTwoMinutes() {
    assertThat(ReconciliationSchedule.jitter(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(30));
    assertThat(ReconciliationSchedule.jitter(Duration.ofHours(6))).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void cronExpressionsForIntervals() {
    assertThat(ReconciliationSchedule.cron(Duration.ofMinutes(15))).isEqualTo("*/15 * * * *");
    assertThat(ReconciliationSchedule.cron(Duration.ofMinutes(7))).isEqualTo("*/6 * * * *");
    assertThat(ReconciliationSchedule.cron(Duration.ofHours(2))).isEqualTo("0 */2 * * *");
    assertThat(ReconciliationSchedule.cron(Duration.ofHours(5))).isEqualTo("0 */4 * * *");
  }

  @Test
  void durationsInTheSettingsTakeSpringBootsFormat() {
    assertThat(ClerkSettings.from(Map.of("CLERK_STALE_THRESHOLD", "90m")).staleThreshold()).isEqualTo(Duration.ofMinutes(90));
    assertThat(ClerkSettings.from(Map.of("CLERK_STALE_THRESHOLD", "PT1H30M")).staleThreshold()).isEqualTo(Duration.ofMinutes(90));
    assertThat(ClerkSettings.from(Map.of("CLERK_RECONCILE_INTERVAL", "PT45S")).reconcileInterval()).isEqualTo(Duration.ofSeconds(45));
    assertThat(ClerkSettings.from(Map.of("CLERK_STALE_THRESHOLD", "1h30m")).staleThreshold()).isEqualTo(Duration.ofMinutes(90));
    assertThat(ClerkSettings.from(Map.of()).reconcileInterval()).isEqualTo(Duration.ofMinutes(15));
    assertThat(ClerkSettings.from(Map.of("CLERK_RECONCILE_INTERVAL", "off")).reconcileOnSchedule()).isFalse();
  }
}
