package clerk.workflows;

/**
 * One batch of a reconciliation run: sites after a subdomain, in subdomain order.
 *
 * @param last the last subdomain of the batch: the next batch starts after it
 * @param more whether sites may follow
 */
public record ReconciliationBatch(String last, boolean more, ReconciliationTotals totals) {}
