package clerk.workflows;

/**
 * The start of a reconciliation run: its id in {@code reconciliation_runs} and when it started.
 * {@code skipped} says why nothing will be done (another run is acting right now).
 */
public record RunStart(Long runId, String startedAt, String skipped) {}
