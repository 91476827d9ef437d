package clerk.workflows;

/** A site a reconciliation run looks at, and why. */
public record StuckSite(String subdomain, String reason) {}
