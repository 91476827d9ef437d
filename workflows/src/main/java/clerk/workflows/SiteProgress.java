package clerk.workflows;

import java.util.List;

/**
 * What the site pipeline's query returns: where the site is, the current stage's counters, the
 * documents being worked on right now, and what the last reconcile signal said.
 */
public record SiteProgress(
    String subdomain,
    Stage stage,
    StageCounters counters,
    List<String> inFlight,
    String note,
    String lastReconciliation) {}
