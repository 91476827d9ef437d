package clerk.activities.db;

import clerk.workflows.Stage;
import java.util.List;

/**
 * The site counters as SQL over {@code documents}: the same rule as the counters trigger in
 * V1__sites_documents.sql (a document is in a stage once every earlier stage completed it), for
 * recounting one site and for checking many at once.
 */
final class CounterSql {
  private CounterSql() {}

  /** {@code {stage}_total, {stage}_completed, {stage}_failed} per stage, aggregated over documents. */
  static final String AGGREGATE;

  /** True when the site row {@code s} differs from the aggregate row {@code a} (absent: no documents). */
  static final String DIFFERS;

  /** {@code col = a.col} for every counter column. */
  static final String SET;

  static {
    StringBuilder agg = new StringBuilder();
    StringBuilder sets = new StringBuilder();
    StringBuilder differ = new StringBuilder("FALSE");
    for (Stage stage : Stage.PIPELINE) {
      String st = stage.dbName();
      String in = SiteRepository.entered(stage);
      agg.append(agg.length() == 0 ? "" : ", ")
          .append("count(*) FILTER (WHERE ").append(in).append(") AS ").append(st).append("_total, ")
          .append("count(*) FILTER (WHERE ").append(in).append(" AND ").append(st)
          .append("_status = 'completed') AS ").append(st).append("_completed, ")
          .append("count(*) FILTER (WHERE ").append(in).append(" AND ").append(st)
          .append("_status = 'failed') AS ").append(st).append("_failed");
      for (String col : List.of(st + "_total", st + "_completed", st + "_failed")) {
        sets.append(sets.length() == 0 ? "" : ", ").append(col).append(" = a.").append(col);
        differ.append(" OR s.").append(col).append(" <> coalesce(a.").append(col).append(", 0)");
      }
    }
    AGGREGATE = agg.toString();
    DIFFERS = differ.toString();
    SET = sets.toString();
  }
}
