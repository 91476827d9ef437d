package clerk.activities.db;

import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One row of {@code sites}: where a site is and its counters per stage.
 *
 * @param storageFingerprint the site folder's fingerprint when reconciliation last compared it
 * @param storageProblems what the last walk of the site folder had to skip, with why
 */
public record SiteRow(
    String subdomain,
    String name,
    Stage currentStage,
    List<StageCounters> counters,
    boolean coordinatorEnqueued,
    String note,
    Instant startedAt,
    Instant completedAt,
    Instant updatedAt,
    String lastErrorStage,
    String lastErrorMessage,
    Instant lastErrorAt,
    String storageFingerprint,
    List<String> storageProblems) {

  static SiteRow from(ResultSet r) throws SQLException {
    List<StageCounters> counters = new ArrayList<>();
    for (Stage stage : Stage.PIPELINE) {
      String st = stage.dbName();
      counters.add(new StageCounters(
          stage, r.getInt(st + "_total"), r.getInt(st + "_completed"), r.getInt(st + "_failed")));
    }
    String stage = r.getString("current_stage");
    return new SiteRow(
        r.getString("subdomain"),
        r.getString("name"),
        stage == null ? null : Stage.fromDbName(stage),
        List.copyOf(counters),
        r.getBoolean("coordinator_enqueued"),
        r.getString("note"),
        instant(r.getTimestamp("started_at")),
        instant(r.getTimestamp("completed_at")),
        instant(r.getTimestamp("updated_at")),
        r.getString("last_error_stage"),
        r.getString("last_error_message"),
        instant(r.getTimestamp("last_error_at")),
        r.getString("storage_fingerprint"),
        Json.strings(r.getString("storage_problems")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  public StageCounters counters(Stage stage) {
    return counters.stream().filter(c -> c.stage() == stage).findFirst()
        .orElse(new StageCounters(stage, 0, 0, 0));
  }

  /**
   * The stage the counters put the site in: the first stage with documents neither completed nor
   * failed; else {@link Stage#FAILED} when every document of a stage failed it (nothing can move
   * until an operator acts); else {@link Stage#COMPLETED}.
   */
  public Stage derivedStage() {
    for (StageCounters c : counters) {
      if (!c.finished()) {
        return c.stage();
      }
    }
    return allFailedStage() == null ? Stage.COMPLETED : Stage.FAILED;
  }

  /** The note of a site in {@link Stage#FAILED}: which stage failed everything, and what to do. */
  public String failedNote() {
    StageCounters failed = counters(allFailedStage());
    return "needs an operator: all " + failed.failed() + " document(s) failed " + failed.stage().dbName()
        + " (see 'clerk status " + subdomain + "'; replace the PDFs or run 'clerk retry " + subdomain + "')";
  }

  /** The first stage in which every document failed, or null. */
  public Stage allFailedStage() {
    for (StageCounters c : counters) {
      if (c.total() > 0 && c.completed() == 0 && c.failed() > 0) {
        return c.stage();
      }
    }
    return null;
  }
}
