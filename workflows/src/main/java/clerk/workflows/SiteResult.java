package clerk.workflows;

import java.util.List;

/** The site pipeline's result: the counters of every stage it ran, and a note for the operator. */
public record SiteResult(String subdomain, List<StageCounters> stages, String note) {}
