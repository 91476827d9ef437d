package clerk.client.api;

import clerk.activities.db.SiteOverview;
import clerk.workflows.ReconciliationReport;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/dashboard}: aggregates over every site, short lists (stuck, needing an operator,
 * without a pipeline, with skipped files), the latest failures and reconciliation, one page of sites.
 * {@code without_pipeline} is null when Temporal cannot be asked.
 */
public record DashboardJson(
    @JsonProperty("generated_at") String generatedAt,
    @JsonProperty("stale_threshold_hours") double staleThresholdHours,
    @JsonProperty("sites_by_stage") Map<String, Integer> sitesByStage,
    int stuck,
    @JsonProperty("stuck_sites") List<Listed> stuckSites,
    @JsonProperty("needs_operator") int needsOperator,
    @JsonProperty("needs_operator_sites") List<Listed> needsOperatorSites,
    @JsonProperty("without_pipeline") Integer withoutPipeline,
    @JsonProperty("without_pipeline_sites") List<Listed> withoutPipelineSites,
    @JsonProperty("storage_problems") int storageProblems,
    @JsonProperty("storage_problem_sites") List<Listed> storageProblemSites,
    @JsonProperty("failure_rates") Map<String, FailureRate> failureRates,
    @JsonProperty("recent_failures") List<RecentFailure> recentFailures,
    @JsonProperty("last_reconciliation") ReconciliationReport lastReconciliation,
    @JsonProperty("sites_total") int sitesTotal,
    int page,
    @JsonProperty("page_size") int pageSize,
    List<SiteJson.Summary> sites) {

  /** A site in a short list; {@code hours_stuck} only in {@code stuck_sites}, {@code detail} when there is one. */
  public record Listed(
      String subdomain,
      @JsonProperty("current_stage") String currentStage,
      @JsonProperty("updated_at") String updatedAt,
      @JsonProperty("hours_stuck") @JsonInclude(JsonInclude.Include.NON_NULL) Double hoursStuck,
      @JsonInclude(JsonInclude.Include.NON_NULL) String detail) {

    public static Listed of(SiteOverview.Listed site) {
      return new Listed(site.subdomain(), site.stage(), site.updatedAt().toString(), null,
          site.detail().isEmpty() ? null : site.detail());
    }

    /** A stuck site, with how long it has made no progress (hours, one decimal). */
    public static Listed stuck(SiteOverview.Listed site, Instant now) {
      double hours = Math.round(Duration.between(site.updatedAt(), now).toMinutes() / 6.0) / 10.0;
      return new Listed(site.subdomain(), site.stage(), site.updatedAt().toString(), hours,
          site.detail().isEmpty() ? null : site.detail());
    }
  }

  /** Documents that entered a stage, how many failed it, and the share. */
  public record FailureRate(long total, long failed, double rate) {}

  /** A document that failed a stage. */
  public record RecentFailure(
      String subdomain, @JsonProperty("document_id") String documentId, String stage, String error, String at) {

    public static RecentFailure of(SiteOverview.RecentFailure f) {
      return new RecentFailure(f.subdomain(), f.documentId(), f.stage(), f.error(), f.at().toString());
    }
  }
}
