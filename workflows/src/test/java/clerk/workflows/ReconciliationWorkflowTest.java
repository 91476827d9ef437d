package clerk.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reconciliation workflow's orchestration alone, against in-memory activities. */
@Timeout(60)
class ReconciliationWorkflowTest {
  private static final String WORKFLOW_ID = "reconciliation-test";
  private TestWorkflowEnvironment env;

  /**
   * Registered sites by name; every site whose name starts with "stuck" is restarted, "broken" is an
   * error. Records what was called; can fail a batch for good.
   */
  static final class FakeActivities implements ReconciliationActivities {
    final List<String> calls = new ArrayList<>();
    final TreeSet<String> sites = new TreeSet<>();
    String skipped;
    String failBatchAfter;
    final List<String> seen = new ArrayList<>();
    ReconciliationReport finished;

    FakeActivities(List<String> sites) {
      this.sites.addAll(sites);
    }

    @Override
    public synchronized RunStart beginRun(ReconciliationRequest request) {
      calls.add("begin");
      return new RunStart(skipped == null ? 7L : null, "2026-01-01T00:00:00Z", skipped);
    }

    @Override
    public synchronized ReconciliationBatch reconcileSites(
        long runId, ReconciliationRequest request, String after, int limit) {
      calls.add("batch after " + after);
      if (after != null && after.equals(failBatchAfter)) {
        throw ApplicationFailure.newNonRetryableFailure("database unavailable: connection refused", "Test");
      }
      List<String> batch = (after == null ? sites : sites.tailSet(after, false)).stream().limit(limit).toList();
      ReconciliationTotals totals = ReconciliationTotals.NONE;
      for (String site : batch) {
        seen.add(site);
        SiteReconciliation.Action action = site.startsWith("stuck") ? SiteReconciliation.Action.RESTARTED
            : site.startsWith("broken") ? SiteReconciliation.Action.ERROR : null;
        totals = totals.plus(action == null ? null : new SiteReconciliation(site, "pipeline not running",
            "ocr", "ocr", List.of(), List.of(), 1, 0, 0, List.of("ocr_total: 0 → 1"), action.label(),
            action == SiteReconciliation.Action.ERROR ? "storage folder is missing" : "restarted"));
      }
      boolean more = (after == null ? sites : sites.tailSet(after, false)).size() > limit;
      return new ReconciliationBatch(batch.isEmpty() ? after : batch.get(batch.size() - 1), more, totals);
    }

    /** Every intended restart happened, except that the pipeline of "stuck-running" was running. */
    @Override
    public synchronized ReconciliationTotals resumePipelines(long runId) {
      calls.add("resume");
      long running = seen.stream().filter(s -> s.startsWith("stuck-running")).count();
      long stuck = seen.stream().filter(s -> s.startsWith("stuck")).count();
      return new ReconciliationTotals(0, 0, 0, (int) running, (int) (stuck - running), 0, 0, List.of());
    }

    @Override
    public synchronized void finishRun(ReconciliationReport report) {
      calls.add("finish " + report.runId());
      finished = report;
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
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.PIPELINE).setWorkflowId(WORKFLOW_ID).build())
        .run(new ReconciliationRequest("cli", 120, dryRun, null));
  }

  @Test
  void aSiteThatCannotBeReconciledIsAnErrorAndTheOthersGoOn() {
    FakeActivities activities = new FakeActivities(List.of("alameda.ca.us", "broken.ca.us", "stuck.ca.us"));
    ReconciliationReport report = run(activities, false);

    assertThat(report.status()).isEqualTo("errors");
    assertThat(report.scanned()).isEqualTo(3);
    assertThat(report.examined()).isEqualTo(2);
    assertThat(report.restarted()).isEqualTo(1);
    assertThat(report.repaired()).isEqualTo(2);
    assertThat(report.errors()).containsExactly("broken.ca.us: storage folder is missing");
    assertThat(activities.calls).containsExactly("begin", "batch after null", "resume", "finish 7");
    assertThat(activities.finished).isEqualTo(report);
  }

  @Test
  void pipelinesAreSetGoingOnceEverySiteIsComparedAndTheReportSaysWhatHappened() {
    FakeActivities activities = new FakeActivities(List.of("a.example.org", "stuck-running.example.org",
        "stuck.example.org"));
    ReconciliationReport report = run(activities, false);
    assertThat(activities.calls).containsExactly("begin", "batch after null", "resume", "finish 7");
    assertThat(report.restarted()).isEqualTo(1);
    assertThat(report.signalled()).as("it was running after all").isEqualTo(1);
  }

  @Test
  void everySiteIsScannedOnceInBatchesAndTheHistoryStaysSmall() {
    // More sites than one workflow run takes in batches: the run continues as new, with its totals.
    int sites = ReconciliationWorkflowImpl.BATCH * ReconciliationWorkflowImpl.BATCHES_PER_RUN + 120;
    List<String> names = IntStream.range(0, sites).mapToObj(i -> String.format("site%05d.example.org", i)).toList();
    FakeActivities activities = new FakeActivities(names);

    ReconciliationReport report = run(activities, false);

    assertThat(activities.seen).containsExactlyElementsOf(names);
    assertThat(report.scanned()).isEqualTo(sites);
    assertThat(report.status()).isEqualTo("success");
    assertThat(activities.calls.stream().filter(c -> c.equals("begin"))).as("one run, one record").hasSize(1);
    assertThat(activities.calls.get(activities.calls.size() - 1)).isEqualTo("finish 7");
    var history = env.getWorkflowClient().fetchHistory(WORKFLOW_ID).getEvents();
    assertThat(history.get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId().isEmpty())
        .as("the last run was continued as new").isFalse();
    assertThat(history).hasSizeLessThan(200);
  }

  @Test
  void aRunThatCannotGoOnIsRecordedAndReleasesItsLease() {
    FakeActivities activities = new FakeActivities(
        IntStream.range(0, 600).mapToObj(i -> String.format("site%03d.example.org", i)).toList());
    activities.failBatchAfter = "site249.example.org";

    ReconciliationReport report = run(activities, false);

    assertThat(report.status()).isEqualTo("errors");
    assertThat(report.scanned()).isEqualTo(250);
    assertThat(report.errors()).singleElement().satisfies(e -> assertThat(e)
        .startsWith("run stopped after 250 sites: ").contains("database unavailable"));
    assertThat(activities.calls).endsWith("finish 7");
  }

  @Test
  void aDryRunIsRecordedToo() {
    FakeActivities activities = new FakeActivities(List.of("stuck.ca.us"));
    ReconciliationReport report = run(activities, true);
    assertThat(report.dryRun()).isTrue();
    assertThat(report.restarted()).as("what a real run would do").isEqualTo(1);
    assertThat(activities.calls).as("a dry run sets nothing going").containsExactly("begin", "batch after null",
        "finish 7");
  }

  @Test
  void aSkippedRunDoesNothingAndSaysWhy() {
    FakeActivities activities = new FakeActivities(List.of("stuck.ca.us"));
    activities.skipped = "skipped: reconciliation run 3 (schedule) is acting";
    ReconciliationReport report = run(activities, false);
    assertThat(report.status()).isEqualTo("skipped");
    assertThat(report.errors()).containsExactly("skipped: reconciliation run 3 (schedule) is acting");
    assertThat(activities.calls).containsExactly("begin");
  }
}
