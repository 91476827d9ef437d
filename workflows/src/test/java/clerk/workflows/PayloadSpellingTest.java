package clerk.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Payloads speak docs/api.md's vocabulary (lowercase stages, snake_case fields where users see them)
 * and still read what histories and {@code reconciliation_sites} rows recorded before it.
 */
class PayloadSpellingTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode asTemporalWritesIt(Object value) throws Exception {
    byte[] data = DefaultDataConverter.STANDARD_INSTANCE.toPayload(value).orElseThrow().getData().toByteArray();
    return JSON.readTree(new String(data, StandardCharsets.UTF_8));
  }

  @Test
  void stagesAreWrittenLowercaseAndReadInEitherCase() throws Exception {
    JsonNode written = asTemporalWritesIt(new BatchResult("b1", Stage.OCR, 1, 0, 0));
    assertThat(written.get("stage").asText()).isEqualTo("ocr");
    assertThat(JSON.readValue("{\"batchId\":\"b1\",\"stage\":\"OCR\",\"completed\":1}", BatchResult.class).stage())
        .isEqualTo(Stage.OCR);
    assertThat(JSON.readValue("\"compilation\"", Stage.class)).isEqualTo(Stage.COMPILATION);
  }

  @Test
  void theProgressQueryIsSnakeCaseAndReadsTheOldNames() throws Exception {
    SiteProgress progress = new SiteProgress("alameda.ca.us", Stage.OCR,
        new StageCounters(Stage.OCR, 3, 1, 0), List.of("minutes/CityCouncil/2024-01-15"), null, "signal");
    JsonNode written = asTemporalWritesIt(progress);
    assertThat(written.has("in_flight")).isTrue();
    assertThat(written.has("last_reconciliation")).isTrue();
    assertThat(written.get("counters").get("stage").asText()).isEqualTo("ocr");
    SiteProgress old = JSON.readValue("{\"subdomain\":\"a.b\",\"stage\":\"OCR\",\"inFlight\":[\"x\"],"
        + "\"lastReconciliation\":\"r\"}", SiteProgress.class);
    assertThat(old.inFlight()).containsExactly("x");
    assertThat(old.lastReconciliation()).isEqualTo("r");
  }

  @Test
  void aSiteReportRecordedWithTheOldSpellingReadsAsTheNewOne() throws Exception {
    SiteReconciliation old = JSON.readValue("{\"subdomain\":\"a.b\",\"reason\":\"r\",\"stageBefore\":\"ocr\","
        + "\"stageAfter\":\"ocr\",\"before\":[],\"after\":[],\"repairs\":[],\"action\":\"RESTARTED\","
        + "\"detail\":\"d\"}", SiteReconciliation.class);
    assertThat(old.action()).isEqualTo("restarted");
    assertThat(old.is(SiteReconciliation.Action.RESTARTED)).isTrue();
    assertThat(old.stageBefore()).isEqualTo("ocr");
    JsonNode written = asTemporalWritesIt(old);
    assertThat(written.get("stage_before").asText()).isEqualTo("ocr");
    assertThat(written.get("action").asText()).isEqualTo("restarted");
  }

  @Test
  void aReconciliationReportIsSnakeCaseAndReadsTheOldNames() throws Exception {
    ReconciliationReport old = JSON.readValue("{\"runId\":7,\"trigger\":\"cli\",\"dryRun\":true,"
        + "\"thresholdMinutes\":120,\"status\":\"success\",\"startedAt\":\"s\",\"finishedAt\":\"f\","
        + "\"allFailed\":2,\"errorCount\":1,\"errors\":[\"e\"]}", ReconciliationReport.class);
    assertThat(old.runId()).isEqualTo(7L);
    assertThat(old.dryRun()).isTrue();
    assertThat(old.allFailed()).isEqualTo(2);
    JsonNode written = asTemporalWritesIt(old);
    assertThat(written.fieldNames()).toIterable().containsExactly("run_id", "trigger", "dry_run",
        "threshold_minutes", "status", "started_at", "finished_at", "scanned", "examined", "repaired",
        "signalled", "restarted", "all_failed", "error_count", "errors");
  }
}
