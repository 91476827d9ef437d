package clerk.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana/clerk-dashboard.json in a scale-out setup (a full worker and OCR-only workers, each
 * scraped as its own instance): a worker can be chosen, and what every worker reads from PostgreSQL is
 * not counted once per worker. (That every metric it plots is exported: ReconciliationIntegrationTest.)
 */
class GrafanaDashboardTest {
  /** Gauges read from the database: every worker exports the same value. */
  static final Set<String> DATABASE_GAUGES = Set.of("clerk_sites", "clerk_stuck_sites");
  static final Pattern SELECTOR = Pattern.compile("\\b((?:clerk|temporal)_[a-z_]+)(\\{[^}]*\\})?");

  static final JsonNode DASHBOARD = read();

  static JsonNode read() {
    try {
      return new ObjectMapper().readTree(Path.of("..", "deploy", "grafana", "clerk-dashboard.json").toFile());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void anInstanceVariableListsEveryWorkerAndAllowsAll() {
    JsonNode instance = null;
    for (JsonNode variable : DASHBOARD.path("templating").path("list")) {
      if (variable.path("name").asText().equals("instance")) {
        instance = variable;
      }
    }
    assertThat(instance).as("templating variable instance").isNotNull();
    assertThat(instance.path("type").asText()).isEqualTo("query");
    assertThat(instance.path("query").path("query").asText()).isEqualTo("label_values(clerk_sites, instance)");
    assertThat(instance.path("includeAll").asBoolean()).isTrue();
    assertThat(instance.path("multi").asBoolean()).isTrue();
  }

  @Test
  void everyQueryIsLimitedToTheChosenWorkers() {
    for (String expr : expressions()) {
      Matcher selector = SELECTOR.matcher(expr);
      while (selector.find()) {
        assertThat(selector.group(2)).as("%s in %s", selector.group(1), expr).contains("instance=~\"$instance\"");
      }
    }
  }

  @Test
  void databaseGaugesTakeTheMaxAcrossWorkersNeverTheSum() {
    int uses = 0;
    for (String expr : expressions()) {
      Matcher selector = SELECTOR.matcher(expr);
      while (selector.find()) {
        if (DATABASE_GAUGES.contains(selector.group(1))) {
          uses++;
          // The innermost aggregation over the gauge is max by stage: one value per stage whatever
          // the number of workers; only then may stages be added up.
          String before = expr.substring(0, selector.start());
          assertThat(before).as(expr).endsWith("max by (stage) (");
        }
      }
    }
    assertThat(uses).as("panels over clerk_sites and clerk_stuck_sites").isGreaterThanOrEqualTo(3);
  }

  static List<String> expressions() {
    List<String> out = new ArrayList<>();
    DASHBOARD.path("panels").forEach(p -> p.path("targets").forEach(t -> out.add(t.path("expr").asText())));
    assertThat(out).isNotEmpty();
    return out;
  }
}
