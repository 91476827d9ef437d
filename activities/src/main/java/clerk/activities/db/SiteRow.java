package clerk.activities.db;

import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One row of {@code sites}: where a site is and its counters per stage. */
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
    Instant lastErrorAt) {

  static SiteRow from(ResultSet r) throws SQLException {
    List<StageCounters> counters = new ArrayList<>();
    for (Stage stage : List.of(Stage.OCR, Stage.COMPILATION, Stage.EXTRACTION, Stage.DEPLOY)) {
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
        instant(r.getTimestamp("last_error_at")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  public StageCounters counters(Stage stage) {
    return counters.stream().filter(c -> c.stage() == stage).findFirst()
        .orElse(new StageCounters(stage, 0, 0, 0));
  }
}
