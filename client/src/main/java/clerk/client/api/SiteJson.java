package clerk.client.api;

import clerk.activities.db.PageWarnings;
import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.client.ClerkSettings;
import clerk.workflows.SiteProgress;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.List;

/** A site: {@code clerk status --json}, {@code GET /v1/dashboard}'s {@code sites}, {@code GET /v1/sites/{subdomain}}. */
public final class SiteJson {
  private SiteJson() {}

  /** A stage's document counters (the {@code sites} columns {@code ocr_total}, {@code ocr_completed}, …). */
  public record Counts(int total, int completed, int failed) {}

  /**
   * A site in a list: its stage ({@code none} before it started) and its document counters, named as
   * the {@code sites} columns are ({@code ocr_total}, {@code ocr_completed}, {@code ocr_failed}, …).
   */
  public record Summary(
      String subdomain,
      String name,
      @JsonProperty("current_stage") String currentStage,
      @JsonUnwrapped(prefix = "ocr_") Counts ocr,
      @JsonUnwrapped(prefix = "compilation_") Counts compilation,
      @JsonUnwrapped(prefix = "extraction_") Counts extraction,
      @JsonUnwrapped(prefix = "deploy_") Counts deploy,
      @JsonProperty("updated_at") String updatedAt,
      String note,
      String workflow) {}

  /** The last site-level error. */
  public record LastError(String stage, String message, String at) {}

  /** One site in detail: the summary's fields, then these. */
  public record Detail(
      @JsonUnwrapped Summary summary,
      @JsonProperty("started_at") String startedAt,
      @JsonProperty("completed_at") String completedAt,
      @JsonProperty("last_error") LastError lastError,
      long pages,
      @JsonProperty("failed_documents") List<SiteRepository.FailedDocument> failedDocuments,
      @JsonProperty("page_warnings") PageWarnings.OfSite pageWarnings,
      @JsonProperty("storage_problems") List<String> storageProblems,
      SiteProgress running) {}

  public static Summary summary(SiteRow site, ClerkSettings settings) {
    return new Summary(site.subdomain(), site.name(), stage(site), counts(site, Stage.OCR),
        counts(site, Stage.COMPILATION), counts(site, Stage.EXTRACTION), counts(site, Stage.DEPLOY),
        text(site.updatedAt()), site.note(), settings.workflowLink(site.subdomain()));
  }

  private static Counts counts(SiteRow site, Stage stage) {
    StageCounters c = site.counters(stage);
    return new Counts(c.total(), c.completed(), c.failed());
  }

  /** The site in detail; {@code running} is its pipeline's progress query, null when none runs (or unknown). */
  public static Detail detail(SiteRow site, ClerkSettings settings, SiteRepository repository,
      SiteProgress running) {
    LastError lastError = site.lastErrorMessage() == null ? null
        : new LastError(site.lastErrorStage(), site.lastErrorMessage(), text(site.lastErrorAt()));
    return new Detail(summary(site, settings), text(site.startedAt()), text(site.completedAt()), lastError,
        repository.pages(site.subdomain()), repository.failedDocuments(site.subdomain()),
        new PageWarnings(repository.dataSource()).ofSite(site.subdomain()), site.storageProblems(), running);
  }

  /** A site's stage as JSON spells it: lowercase, {@code none} before its first stage. */
  public static String stage(SiteRow site) {
    return site.currentStage() == null ? "none" : site.currentStage().dbName();
  }

  static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}
