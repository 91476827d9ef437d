package clerk.activities.db;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.TestDatabase;
import clerk.workflows.ReconciliationReport;
import clerk.workflows.ReconciliationRequest;
import clerk.workflows.ReconciliationTotals;
import clerk.workflows.RunStart;
import clerk.workflows.SiteReconciliation;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The run record, its per-site report, and the lease that keeps two reconciliations from acting at once. */
class ReconciliationRunsTest {
  static final ReconciliationRequest REQUEST = new ReconciliationRequest("schedule", 120, false, null);
  static final Duration LEASE = Duration.ofMinutes(30);
  static final Predicate<ReconciliationRuns.Holder> ALIVE = h -> true;
  static final Predicate<ReconciliationRuns.Holder> DEAD = h -> false;

  DataSource db;
  ReconciliationRuns runs;

  @BeforeEach
  void setUp() {
    db = TestDatabase.fresh();
    runs = new ReconciliationRuns(db);
  }

  @Test
  void ofManyRunsStartingAtOnceExactlyOneTakesTheLease() throws Exception {
    int contenders = 8;
    ExecutorService pool = Executors.newFixedThreadPool(contenders);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<ReconciliationRuns.Lease>> leases = new ArrayList<>();
    for (int i = 0; i < contenders; i++) {
      String workflow = "reconciliation-" + i;
      leases.add(pool.submit(() -> {
        go.await();
        return runs.begin(REQUEST, workflow, "run-" + workflow, LEASE, ALIVE);
      }));
    }
    go.countDown();
    List<ReconciliationRuns.Lease> results = new ArrayList<>();
    for (Future<ReconciliationRuns.Lease> f : leases) {
      results.add(f.get());
    }
    pool.shutdown();

    List<ReconciliationRuns.Lease> taken = results.stream().filter(ReconciliationRuns.Lease::taken).toList();
    assertThat(taken).hasSize(1);
    assertThat(results).allSatisfy(l -> assertThat(l.runId()).isEqualTo(taken.get(0).runId()));

    // Once the holder finishes, the next run takes the lease.
    runs.finish(report(taken.get(0).runId(), "success"));
    assertThat(runs.begin(REQUEST, "next", "run-next", LEASE, ALIVE).taken()).isTrue();
  }

  @Test
  void theHoldersOwnRetryGetsItsLeaseBack() {
    ReconciliationRuns.Lease first = runs.begin(REQUEST, "reconciliation/startup-1", "run-a", LEASE, ALIVE);
    ReconciliationRuns.Lease retry = runs.begin(REQUEST, "reconciliation/startup-1", "run-a", LEASE, ALIVE);
    assertThat(retry.taken()).isTrue();
    assertThat(retry.runId()).isEqualTo(first.runId());
    assertThat(runs.begin(REQUEST, "reconciliation/startup-1", "run-b", LEASE, ALIVE).taken())
        .as("the same workflow id, another run: not the holder").isFalse();
  }

  @Test
  void aLeaseWhoseWorkflowNoLongerRunsIsTakenOverAtOnce() {
    // SIGKILL during the start-up reconciliation: the embedded server forgot the workflow.
    ReconciliationRuns.Lease dead = runs.begin(REQUEST, "reconciliation/startup-1", "run-a", LEASE, ALIVE);
    assertThat(runs.begin(REQUEST, "reconciliation/startup-2", "run-b", LEASE, ALIVE).taken()).isFalse();

    ReconciliationRuns.Lease next = runs.begin(REQUEST, "reconciliation/startup-2", "run-b", LEASE, DEAD);

    assertThat(next.taken()).isTrue();
    ReconciliationRuns.Run abandoned = runs.last().orElseThrow();
    assertThat(abandoned.id()).isEqualTo(dead.runId());
    assertThat(abandoned.status()).isEqualTo("abandoned");
    assertThat(abandoned.errors()).containsExactly("its workflow reconciliation/startup-1 is no longer running");
  }

  @Test
  void aRunThatOutlivedItsLeaseIsTakenOverWhateverItsWorkflowSays() throws Exception {
    ReconciliationRuns.Lease stale = runs.begin(REQUEST, "killed", "run-k", LEASE, ALIVE);
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("UPDATE reconciliation_runs SET lease_until = now() - interval '1 second'");
    }

    ReconciliationRuns.Lease next = runs.begin(REQUEST, "takes over", "run-t", LEASE, ALIVE);

    assertThat(next.taken()).isTrue();
    assertThat(next.runId()).isNotEqualTo(stale.runId());
    assertThat(runs.last().orElseThrow().errors()).containsExactly("lease expired: the run died before finishing");
  }

  @Test
  void dryRunsAreRecordedButNeverHoldOrWaitForTheLease() {
    ReconciliationRuns.Lease acting = runs.begin(REQUEST, "acting", "run-1", LEASE, ALIVE);
    ReconciliationRequest dry = new ReconciliationRequest("cli", 120, true, null);
    ReconciliationRuns.Lease dryRun = runs.begin(dry, "dry", "run-2", LEASE, ALIVE);
    assertThat(dryRun.taken()).isTrue();
    assertThat(dryRun.runId()).isNotEqualTo(acting.runId());
    assertThat(runs.begin(REQUEST, "third", "run-3", LEASE, ALIVE).taken()).isFalse();
  }

  @Test
  void finishRecordsTheReportAndTheSitesArePagedBack() {
    ReconciliationRuns.Lease lease = runs.begin(REQUEST, "wf", "run", LEASE, ALIVE);
    for (String site : List.of("c.example.org", "a.example.org", "b.example.org")) {
      runs.recordSite(lease.runId(), site(site, "RESTARTED"));
    }
    runs.recordSite(lease.runId(), site("b.example.org", "SIGNALLED")); // a retried batch
    ReconciliationReport report = new ReconciliationReport(lease.runId(), "schedule", false, 120, "errors",
        lease.startedAt().toString(), null, 10, 3, 3, 1, 2, 0, 1, List.of("x.ca.us: storage folder missing"));
    runs.finish(report);
    runs.finish(report); // a retried activity

    ReconciliationRuns.Run last = runs.last().orElseThrow();
    assertThat(last.id()).isEqualTo(lease.runId());
    assertThat(last.status()).isEqualTo("errors");
    assertThat(last.scanned()).isEqualTo(10);
    assertThat(last.examined()).isEqualTo(3);
    assertThat(last.signalled()).isEqualTo(1);
    assertThat(last.restarted()).isEqualTo(2);
    assertThat(last.errors()).containsExactly("x.ca.us: storage folder missing");
    assertThat(runs.sites(lease.runId(), 0, 2)).extracting(SiteReconciliation::subdomain)
        .containsExactly("a.example.org", "b.example.org");
    assertThat(runs.sites(lease.runId(), 2, 2)).singleElement().satisfies(s -> {
      assertThat(s.subdomain()).isEqualTo("c.example.org");
      assertThat(s.repairs()).containsExactly("ocr_total: 0 → 1");
    });
    // Recorded in the old spelling ("SIGNALLED"): read back as docs/api.md spells actions, and resumed.
    assertThat(runs.sites(lease.runId(), 0, 10).get(1).action()).isEqualTo("signalled");
    assertThat(runs.sitesToResume(lease.runId(), 0, 10)).hasSize(3);
    assertThat(last.report().errorCount()).isEqualTo(1);
    assertThat(last.report().dryRun()).isFalse();
  }

  static SiteReconciliation site(String subdomain, String action) {
    return new SiteReconciliation(subdomain, "storage changed", "completed", "ocr", List.of(), List.of(), 1, 0, 0,
        List.of("ocr_total: 0 → 1"), action, "restarted the pipeline in ocr 0/1, 0 failed");
  }

  static ReconciliationReport report(long runId, String status) {
    RunStart start = new RunStart(runId, "2026-01-01T00:00:00Z", null);
    ReconciliationReport r = ReconciliationReport.of(REQUEST, start, "2026-01-01T00:00:01Z", ReconciliationTotals.NONE);
    assertThat(r.status()).isEqualTo(status);
    return r;
  }
}
