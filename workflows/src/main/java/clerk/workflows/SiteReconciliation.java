package clerk.workflows;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;

/**
 * What reconciliation found and did for one site: the counters before and after the repair (the
 * filesystem is the truth), the stage it derived, and what it did about the pipeline.
 *
 * @param reason why the site was looked at (no progress for hours, pipeline not running)
 * @param pdfs documents on disk; {@code texts} of them have their complete text folder
 * @param partial text folders left half-written by a crashed OCR (resumed, not counted)
 * @param repairs each counter, status or stage that was wrong, as "what: before → after"
 * @param action {@link Action} name in lowercase ({@code restarted}): what was done, or in a dry run
 *     what would have been; reports recorded before said {@code RESTARTED}
 * @param detail one line for the operator, as the report prints it
 */
public record SiteReconciliation(
    String subdomain,
    String reason,
    @JsonProperty("stage_before") @JsonAlias("stageBefore") String stageBefore,
    @JsonProperty("stage_after") @JsonAlias("stageAfter") String stageAfter,
    List<StageCounters> before,
    List<StageCounters> after,
    int pdfs,
    int texts,
    int partial,
    List<String> repairs,
    String action,
    String detail) {

  public SiteReconciliation {
    action = action == null ? null : action.toLowerCase(Locale.ROOT);
  }

  /** What reconciliation did about the site's pipeline. */
  public enum Action {
    /** The pipeline was running: told to re-read its stage and re-drive what is not in flight. */
    SIGNALLED,
    /** The pipeline was not running (terminated, lost, never started): started again. */
    RESTARTED,
    /** Every document failed the stage: nothing to re-drive, left for an operator. */
    ALL_FAILED,
    /** Nothing was left to do: the site is marked completed. */
    COMPLETED,
    /** The site could not be reconciled; the detail says why. */
    ERROR;

    /** The action as reports and JSON spell it: {@code restarted}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public boolean repaired() {
    return !repairs.isEmpty();
  }

  public boolean is(Action a) {
    return a.label().equals(action);
  }

  /** This report with another action and detail (what resuming the pipeline turned out to be). */
  public SiteReconciliation withAction(Action action, String detail) {
    return new SiteReconciliation(subdomain, reason, stageBefore, stageAfter, before, after, pdfs, texts, partial,
        repairs, action.label(), detail);
  }

  public static SiteReconciliation error(String subdomain, String reason, String message) {
    return new SiteReconciliation(subdomain, reason, null, null, List.of(), List.of(), 0, 0, 0, List.of(),
        Action.ERROR.label(), message);
  }
}
