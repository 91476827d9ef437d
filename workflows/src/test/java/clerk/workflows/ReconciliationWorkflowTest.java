package clerk.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reconciliation workflow's orchestration alone, against in-memory activities. */
@Timeout(60)
class ReconciliationWorkflowTest {
  private TestWorkflowEnvironment env;

  /** Two stuck sites; reconciling "broken.ca.us" fails for good. Records what was called. */
  static final class FakeActivities implements ReconciliationActivities {
    final List<String> calls = new ArrayList<>();
    final String skipped;

    FakeActivities(String skipped) {
      this.skipped = skipped;
    }

    @Override
    public synchronized RunStart beginRun(ReconciliationRequest request) {
      calls.add("begin");
      if (skipped != null) {
        return new RunStart(null, "2026-01-01T00:00:00Z", List.of(), skipped);
      }
      return new RunStart(request.dryRun() ? null : 7L, "2026-01-01T00:00:00Z",
          List.of(new StuckSite("alameda.ca.us", "pipeline not running"),
              new StuckSite("broken.ca.us", "no progress for 3h 0m")), null);
    }

    @Override
    public synchronized SiteReconciliation reconcileSite(String subdomain, String reason, boolean dryRun) {
      calls.add("site " + subdomain + (dryRun ? " dry" : ""));
      if (subdomain.startsWith("broken")) {
        throw ApplicationFailure.newNonRetryableFailure("storage folder is missing", "CannotReconcile");
      }
      return new SiteReconciliation(subdomain, reason, "ocr", "ocr", List.of(), List.of(), 7, 2, 0,
          List.of("ocr_completed: 1 → 2"), SiteReconciliation.Action.RESTARTED.name(), "restarted");
    }

    @Override
    public synchronized void finishRun(ReconciliationReport report) {
      calls.add("finish " + report.runId());
    }
  }

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  ReconciliationReport run(FakeActivities activities, boolean dryRun) {
    Worker worker = env.newWorker(TaskQueues.PIPELINE);
    worker.registerWorkflowImplementationTypes(ReconciliationWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities);
    env.start();
    return env.getWorkflowClient()
        .newWorkflowStub(ReconciliationWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.PIPELINE).setWorkflowId("reconciliation-test").build())
        .run(new ReconciliationRequest("cli", 120, dryRun, null));
  }

  @Test
  void aSiteThatCannotBeReconciledIsAnErrorAndTheOthersGoOn() {
    FakeActivities activities = new FakeActivities(null);
    ReconciliationReport report = run(activities, false);

    assertThat(report.status()).isEqualTo("errors");
    assertThat(report.examined()).isEqualTo(2);
    assertThat(report.restarted()).isEqualTo(1);
    assertThat(report.repaired()).isEqualTo(1);
    assertThat(report.errors()).containsExactly("broken.ca.us: storage folder is missing");
    assertThat(report.sites().get(1).action()).isEqualTo(SiteReconciliation.Action.ERROR.name());
    assertThat(activities.calls).containsExactly("begin", "site alameda.ca.us", "site broken.ca.us", "finish 7");
  }

  @Test
  void aDryRunRecordsNothing() {
    FakeActivities activities = new FakeActivities(null);
    ReconciliationReport report = run(activities, true);
    assertThat(report.dryRun()).isTrue();
    assertThat(activities.calls).containsExactly("begin", "site alameda.ca.us dry", "site broken.ca.us dry");
  }

  @Test
  void aSkippedRunDoesNothingAndSaysWhy() {
    FakeActivities activities = new FakeActivities("skipped: reconciliation run 3 (schedule) is still acting");
    ReconciliationReport report = run(activities, false);
    assertThat(report.status()).isEqualTo("skipped");
    assertThat(report.errors()).containsExactly("skipped: reconciliation run 3 (schedule) is still acting");
    assertThat(activities.calls).containsExactly("begin");
  }
}
