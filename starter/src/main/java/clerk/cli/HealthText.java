package clerk.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text of {@code clerk health}: a line per component (name, status, a short detail), the last
 * reconciliation run, the problems and warnings, then the verdict. Never the worker's raw JSON
 * ({@code --json} is there for that).
 */
final class HealthText {
  /** A detail longer than this is cut: a driver's message can run to a stack of causes. */
  static final int DETAIL = 160;

  private final StringBuilder out = new StringBuilder();

  private HealthText() {}

  /**
   * @param health {@code /actuator/health}, or null when the worker did not answer
   * @param reconciliation {@code /v1/reconciliation/status}, or null
   */
  static String format(String base, JsonNode health, JsonNode reconciliation, List<String> problems,
      List<String> warnings, String verdict) {
    HealthText text = new HealthText();
    if (health != null) {
      JsonNode c = health.path("components");
      text.line("worker", health.path("status").asText("UNKNOWN"), base);
      text.component("database", c.path("db"), d -> d.path("database").asText(""));
      text.component("temporal", c.path("temporal"),
          d -> d.path("address").asText("") + (d.has("namespace") ? ", namespace " + d.path("namespace").asText() : ""));
      if (c.has("disk")) {
        text.component("disk", c.path("disk"), HealthText::disk);
      }
      text.component("reconciliation", c.path("reconciliation"),
          d -> "timer " + d.path("timer").asText("?") + "; start-up " + d.path("startup").asText("?"));
      text.component("sites", c.path("sites"), HealthText::sites);
    }
    if (reconciliation != null && reconciliation.has("error")) {
      text.line("last run", "unknown", reconciliation.path("error").asText());
    } else if (reconciliation != null) {
      text.line("last run", reconciliation.path("status").asText("?"), lastRun(reconciliation));
    }
    problems.forEach(p -> text.out.append(String.format(Locale.ROOT, "%-17s", "problem:")).append(p).append('\n'));
    warnings.forEach(w -> text.out.append(String.format(Locale.ROOT, "%-17s", "warning:")).append(w).append('\n'));
    text.out.append(verdict).append('\n');
    return text.out.toString();
  }

  private interface Detail {
    String of(JsonNode details);
  }

  /** The component's status; its error when it has one, else the detail made of its details. */
  private void component(String name, JsonNode component, Detail detail) {
    JsonNode details = component.path("details");
    String status = component.path("status").asText("UNKNOWN");
    line(name, status, details.has("error") ? details.path("error").asText() : detail.of(details));
  }

  private void line(String name, String status, String detail) {
    String shortDetail = shorten(detail);
    out.append(String.format(Locale.ROOT, "%-17s", name + ":")).append(status)
        .append(shortDetail.isEmpty() ? "" : "  " + shortDetail).append('\n');
  }

  static String shorten(String detail) {
    if (detail == null) {
      return "";
    }
    String firstLine = detail.strip().lines().findFirst().orElse("");
    return firstLine.length() <= DETAIL ? firstLine : firstLine.substring(0, DETAIL - 1) + "…";
  }

  /** {@code STORAGE_DIR /srv/clerk/storage 61.2 GB free, DEPLOY_DIR … (min 1.0 GB)}. */
  static String disk(JsonNode d) {
    List<String> dirs = new ArrayList<>();
    d.properties().forEach(e -> {
      if (e.getValue().has("path")) {
        dirs.add(e.getKey() + " " + e.getValue().path("path").asText() + " " + size(e.getValue().path("free").asLong())
            + " free");
      }
    });
    return String.join(", ", dirs) + (d.has("min_free") ? " (min " + size(d.path("min_free").asLong()) + ")" : "");
  }

  /** {@code 3 completed, 1 ocr, 2 registered; 1 stuck, 0 failed, 1 without pipeline, 0 with skipped files}. */
  static String sites(JsonNode d) {
    List<String> stages = new ArrayList<>();
    d.path("by_stage").properties().forEach(e ->
        stages.add(e.getValue().asInt() + " " + (e.getKey().equals("none") ? "registered" : e.getKey())));
    return (stages.isEmpty() ? "no sites" : String.join(", ", stages))
        + "; " + d.path("stuck").asInt() + " stuck, " + d.path("failed").asInt() + " failed, "
        + d.path("without_pipeline").asText("?") + " without pipeline, "
        + d.path("storage_problems").asInt() + " with skipped files";
  }

  /** {@code at 2026-11-25T00:11:32Z (startup): 100 examined, 1 repaired, 0 signalled, 0 restarted, 2 errors}. */
  static String lastRun(JsonNode r) {
    JsonNode results = r.path("results");
    if (r.path("timestamp").isNull() || r.path("timestamp").isMissingNode()) {
      return "";
    }
    return "at " + r.path("timestamp").asText() + " (" + results.path("trigger").asText("?") + "): "
        + results.path("examined").asInt() + " examined, " + results.path("repaired").asInt() + " repaired, "
        + results.path("signalled").asInt() + " signalled, " + results.path("restarted").asInt()
        + " restarted, " + r.path("errors").size() + " errors";
  }

  static String size(long bytes) {
    return bytes >= 1L << 30
        ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%d MB", bytes >> 20);
  }
}
