package clerk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.db.SiteRepository;
import clerk.activities.sample.SamplePdfs;
import clerk.cli.CliWithWorkerTest.Run;
import clerk.client.ClerkSettings;
import clerk.worker.ClerkWorkerApplication;
import clerk.workflows.DocumentRef;
import clerk.workflows.Stage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clerk start --wait} and {@code clerk watch} against a running worker (embedded PostgreSQL and
 * Temporal, found through CLERK_HOME/worker.json): they end when the site has (or stopped: no pipeline
 * in Temporal), with its last lines, and exit by outcome. Not a terminal here, so the output is plain lines.
 */
class StartWaitIntegrationTest {
  static final String CLEAN = "clean.ca.us";
  static final String CORRUPT = "corrupt.ca.us";

  @TempDir static Path home;
  static ClerkWorkerApplication.Running worker;
  static SiteRepository repository;

  @BeforeAll
  static void startWorker() throws Exception {
    ClerkSettings settings = CliWithWorkerTest.workerSettings(home);
    for (String site : List.of(CLEAN, CORRUPT)) {
      for (String date : List.of("2024-01-16", "2024-02-06")) {
        CliWithWorkerTest.write(settings.storageDir(),
            new DocumentRef(site, DocumentRef.MINUTES, "CityCouncil", date), "Moved to approve the " + date + " item.");
      }
    }
    Path corrupt = settings.storageDir().resolve(CORRUPT).resolve("pdfs/CityCouncil/2024-03-05.pdf");
    SamplePdfs.writeCorrupt(corrupt, 7);
    worker = ClerkWorkerApplication.start(settings);
    repository = worker.context().getBean(SiteRepository.class);
    repository.ensureSite(CLEAN, "Clean, CA");
    repository.ensureSite(CORRUPT, "Corrupt, CA");
  }

  @AfterAll
  static void stopWorker() {
    CliWithWorkerTest.stop(worker);
  }

  @Test
  void startWaitShowsTheSiteUntilItCompletedAndExitsZero() {
    Run run = CliWithWorkerTest.clerk("start", CLEAN, "--wait", "--timeout", "3m");
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).startsWith("started  " + CLEAN);
    assertThat(lines.get(lines.size() - 2)).matches("\\[ *[0-9.]+s\\] " + CLEAN + " +completed: 2 documents");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("1 site ended: 1 completed");
    assertThat(run.out()).doesNotContain("\033[");
    assertThat(repository.site(CLEAN).currentStage()).isEqualTo(Stage.COMPLETED);

    // Started again with nothing new: ends when that run has, not at once on the old "completed".
    Run again = CliWithWorkerTest.clerk("start", CLEAN, "--wait");
    assertThat(again.exit()).as(again.out()).isZero();
    assertThat(again.out()).contains("completed: 2 documents").endsWith("1 site ended: 1 completed\n");

    Run watched = CliWithWorkerTest.clerk("watch", CLEAN);
    assertThat(watched.exit()).isZero();
    assertThat(watched.out()).contains(CLEAN).endsWith("1 site ended: 1 completed\n");
  }

  @Test
  void startWaitExitsOneWhenADocumentFailed() throws Exception {
    Run run = CliWithWorkerTest.clerk("start", CORRUPT, "--wait", "--timeout", "3m");
    assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(lines.size() - 2)).matches("\\[ *[0-9.]+s\\] " + CORRUPT + " +completed: 3 documents, 1 failed");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("1 site ended: 1 completed; 1 document failed");
    assertThat(repository.failedDocuments(CORRUPT)).singleElement()
        .satisfies(f -> assertThat(f.documentId()).isEqualTo("minutes/CityCouncil/2024-03-05"));

    Run none = CliWithWorkerTest.clerk("watch");
    assertThat(none.exit()).as("every site ended: nothing in progress").isZero();
    assertThat(none.out()).isEqualTo("no site has work in progress\n");
  }

  @Test
  void watchSaysASiteLeftMidStageWithoutAPipelineStoppedAndExitsOne() {
    String site = "stopped.ca.us";
    repository.ensureSite(site, null);
    repository.siteTransaction(site, c -> {
      repository.setStage(c, site, Stage.OCR, null); // as a pipeline terminated from outside leaves it
      return null;
    });
    try {
      Run run = CliWithWorkerTest.clerk("watch", site, "--timeout", "2m");
      assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
      List<String> lines = run.out().lines().toList();
      assertThat(lines).hasSize(3);
      assertThat(lines.get(0)).isEqualTo("[   0.0s] " + site + "            ocr 0/0");
      assertThat(lines.get(1)).as("after 30 s without change Temporal was asked")
          .matches("\\[ *3[0-9]\\.[0-9]s\\] " + site + " +stopped: in ocr at 0/0, no pipeline runs");
      assertThat(lines.get(2)).isEqualTo("1 site ended: 1 stopped");
    } finally {
      repository.siteTransaction(site, c -> {
        repository.setStage(c, site, Stage.COMPLETED, null); // not in progress for the other tests' watch
        return null;
      });
    }
  }
}
