package clerk.workflows;

import java.util.List;

/**
 * The start of a reconciliation run: its id in {@code reconciliation_runs} (null for a dry run), when
 * it started, and the sites to look at. {@code skipped} says why nothing will be done (another run is
 * acting right now); then {@code sites} is empty.
 */
public record RunStart(Long runId, String startedAt, List<StuckSite> sites, String skipped) {}
