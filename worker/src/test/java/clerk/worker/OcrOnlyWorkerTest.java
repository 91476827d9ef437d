package clerk.worker;

import clerk.client.ClerkSettings;
import static org.assertj.core.api.Assertions.assertThat;

import clerk.workflows.TaskQueues;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.HealthIndicator;

/** CLERK_WORKER_ROLE=ocr: a second worker that only OCRs, next to a full one, on their shared services. */
class OcrOnlyWorkerTest {
  @TempDir Path full;
  @TempDir Path ocr;

  @Test
  void anOcrOnlyWorkerPollsOnlyTheOcrQueueAndLeavesReconciliationToTheFullWorker() throws Exception {
    ClerkSettings fullSettings = TestWorkers.embedded(full, "CLERK_RECONCILE_INTERVAL", "off");
    try (ClerkWorkerApplication.Running fullWorker = ClerkWorkerApplication.start(fullSettings)) {
      ClerkSettings shared = fullWorker.settings();
      ClerkSettings ocrSettings = ClerkSettings.from(Map.of(
          "CLERK_HOME", ocr.toString(),
          "CLERK_DATABASE_URL", shared.databaseUrl(),
          "CLERK_DATABASE_USER", shared.databaseUser(),
          "CLERK_DATABASE_PASSWORD", shared.databasePassword(),
          "TEMPORAL_ADDRESS", shared.temporalAddress(),
          "STORAGE_DIR", shared.storageDir().toString(),
          "CLERK_HTTP_PORT", "0",
          "CLERK_WORKER_ROLE", "ocr"));
      try (ClerkWorkerApplication.Running ocrWorker = ClerkWorkerApplication.start(ocrSettings)) {
        WorkerFactory factory = ocrWorker.context().getBean(WorkerFactory.class);
        assertThat(factory.tryGetWorker(TaskQueues.OCR)).isNotNull();
        assertThat(factory.tryGetWorker(TaskQueues.PIPELINE)).isNull();
        assertThat(ocrWorker.context().getBean("reconciliation", HealthIndicator.class).health().getDetails()
            .get("startup").toString()).startsWith("skipped: OCR-only worker");
        // The full worker polls both.
        WorkerFactory fullFactory = fullWorker.context().getBean(WorkerFactory.class);
        assertThat(fullFactory.tryGetWorker(TaskQueues.OCR)).isNotNull();
        assertThat(fullFactory.tryGetWorker(TaskQueues.PIPELINE)).isNotNull();
      }
    }
  }
}
