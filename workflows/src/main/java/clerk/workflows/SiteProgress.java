package clerk.workflows;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What the site pipeline's query returns: where the site is, the current stage's counters, the
 * documents being worked on right now, and what the last reconcile signal said. Shown as it is by
 * {@code clerk status SITE --json} and {@code GET /v1/sites/{subdomain}}: snake_case (docs/api.md).
 */
public record SiteProgress(
    String subdomain,
    Stage stage,
    StageCounters counters,
    @JsonProperty("in_flight") @JsonAlias("inFlight") List<String> inFlight,
    String note,
    @JsonProperty("last_reconciliation") @JsonAlias("lastReconciliation") String lastReconciliation) {}
