package clerk.activities.db;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.TestDatabase;
import clerk.workflows.ReconciliationReport;
import clerk.workflows.ReconciliationRequest;
import clerk.workflows.RunStart;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The run record and the lease that keeps two reconciliations from acting at once. */
class ReconciliationRunsTest {
  static final ReconciliationRequest REQUEST = new ReconciliationRequest("schedule", 120, false, null);

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
      leases.add(pool.submit(() -> {
        go.await();
        return runs.begin(REQUEST, "reconciliation-test", Duration.ofMinutes(30));
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
    assertThat(runs.begin(REQUEST, "next", Duration.ofMinutes(30)).taken()).isTrue();
  }

  @Test
  void aRunThatDiedHoldingTheLeaseIsTakenOverWhenItExpires() throws Exception {
    ReconciliationRuns.Lease dead = runs.begin(REQUEST, "killed", Duration.ofMinutes(30));
    assertThat(runs.begin(REQUEST, "blocked", Duration.ofMinutes(30)).taken()).isFalse();
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("UPDATE reconciliation_runs SET lease_until = now() - interval '1 second'");
    }

    ReconciliationRuns.Lease next = runs.begin(REQUEST, "takes over", Duration.ofMinutes(30));

    assertThat(next.taken()).isTrue();
    assertThat(next.runId()).isNotEqualTo(dead.runId());
    ReconciliationRuns.Run abandoned = runs.last().orElseThrow();
    assertThat(abandoned.id()).isEqualTo(dead.runId());
    assertThat(abandoned.status()).isEqualTo("abandoned");
    assertThat(abandoned.errors()).containsExactly("lease expired: the run died before finishing");
  }

  @Test
  void finishRecordsTheReportAndLastReturnsIt() {
    ReconciliationRuns.Lease lease = runs.begin(REQUEST, "wf", Duration.ofMinutes(30));
    ReconciliationReport report = new ReconciliationReport(lease.runId(), "schedule", false, 120, "errors",
        lease.startedAt().toString(), null, 3, 2, 1, 1, 1, List.of(), List.of("x.ca.us: storage folder missing"));
    runs.finish(report);
    runs.finish(report); // a retried activity

    ReconciliationRuns.Run last = runs.last().orElseThrow();
    assertThat(last.id()).isEqualTo(lease.runId());
    assertThat(last.status()).isEqualTo("errors");
    assertThat(last.examined()).isEqualTo(3);
    assertThat(last.repaired()).isEqualTo(2);
    assertThat(last.signalled()).isEqualTo(1);
    assertThat(last.restarted()).isEqualTo(1);
    assertThat(last.allFailed()).isEqualTo(1);
    assertThat(last.errors()).containsExactly("x.ca.us: storage folder missing");
  }

  static ReconciliationReport report(long runId, String status) {
    RunStart start = new RunStart(runId, "2026-01-01T00:00:00Z", List.of(), null);
    ReconciliationReport r = ReconciliationReport.of(REQUEST, start, "2026-01-01T00:00:01Z", List.of());
    assertThat(r.status()).isEqualTo(status);
    return r;
  }
}
