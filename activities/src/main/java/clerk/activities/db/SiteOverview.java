package clerk.activities.db;

import clerk.workflows.Stage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * What status, the dashboard, health and the gauges read about all sites: aggregates and short lists
 * computed by PostgreSQL, so they cost the same for 10 sites and for 10,000.
 */
public final class SiteOverview {
  private final SiteRepository db;

  public SiteOverview(DataSource dataSource) {
    this.db = new SiteRepository(dataSource);
  }

  /** Sites per {@code current_stage} ("none": never started), and how many of them are stuck. */
  public record StageCount(String stage, int sites, int stuck) {}

  /**
   * Stuck: started, with work left (not completed, not failed), and no progress for {@code threshold}
   * (the operators' query {@code current_stage != 'completed' AND updated_at < now() - interval '2
   * hours'}, without the failed sites, which wait for an operator rather than for progress).
   */
  static final String STUCK = "current_stage IS NOT NULL AND current_stage NOT IN ('completed', 'failed')"
      + " AND updated_at < now() - make_interval(secs => ?)";

  public List<StageCount> stageCounts(Duration threshold) {
    return db.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT coalesce(current_stage, 'none'), count(*), count(*) FILTER (WHERE " + STUCK + ")"
              + " FROM sites GROUP BY 1 ORDER BY 1")) {
        s.setDouble(1, threshold.toSeconds());
        List<StageCount> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(new StageCount(r.getString(1), r.getInt(2), r.getInt(3)));
          }
        }
        return out;
      }
    });
  }

  /** A site in a short list: its stage, when it last moved, and a line saying why it is listed. */
  public record Listed(String subdomain, String stage, Instant updatedAt, String detail) {}

  /** The stuck sites, longest stuck first. */
  public List<Listed> stuck(Duration threshold, int limit) {
    return list("SELECT subdomain, current_stage, updated_at, '' FROM sites WHERE " + STUCK
        + " ORDER BY updated_at LIMIT ?", (double) threshold.toSeconds(), limit);
  }

  /** Sites in {@code failed}: every document failed a stage; the note says which. */
  public List<Listed> failed(int limit) {
    return list("SELECT subdomain, current_stage, updated_at, coalesce(note, '') FROM sites"
        + " WHERE current_stage = 'failed' ORDER BY subdomain LIMIT ?", null, limit);
  }

  /** Sites whose folder holds files the last walk had to skip; the first problem as the detail. */
  public List<Listed> storageProblems(int limit) {
    return list("SELECT subdomain, coalesce(current_stage, 'none'), updated_at,"
        + " jsonb_array_length(storage_problems) || ' skipped: ' || (storage_problems->>0) FROM sites"
        + " WHERE jsonb_array_length(storage_problems) > 0 ORDER BY subdomain LIMIT ?", null, limit);
  }

  /** Sites with work left (started, not completed or failed): each should have a running pipeline. */
  public List<Listed> withWork(int limit) {
    return list("SELECT subdomain, current_stage, updated_at, '' FROM sites WHERE current_stage IS NOT NULL"
        + " AND current_stage NOT IN ('completed', 'failed') ORDER BY updated_at LIMIT ?", null, limit);
  }

  /** How many sites each list above would hold in full. */
  public record Counts(int failed, int storageProblems, int withWork) {}

  public Counts counts() {
    return db.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT count(*) FILTER (WHERE current_stage = 'failed'),"
              + " count(*) FILTER (WHERE jsonb_array_length(storage_problems) > 0),"
              + " count(*) FILTER (WHERE current_stage IS NOT NULL AND current_stage NOT IN ('completed', 'failed'))"
              + " FROM sites");
          ResultSet r = s.executeQuery()) {
        r.next();
        return new Counts(r.getInt(1), r.getInt(2), r.getInt(3));
      }
    });
  }

  private List<Listed> list(String sql, Double seconds, int limit) {
    return db.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        int i = 1;
        if (seconds != null) {
          s.setDouble(i++, seconds);
        }
        s.setInt(i, limit);
        List<Listed> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(new Listed(r.getString(1), r.getString(2), r.getTimestamp(3).toInstant(), r.getString(4)));
          }
        }
        return out;
      }
    });
  }

  /** Documents and failures of one stage over all sites. */
  public record StageFailures(Stage stage, long total, long failed) {}

  public List<StageFailures> failureRates() {
    return db.transaction(c -> {
      StringBuilder sql = new StringBuilder("SELECT ");
      for (Stage stage : Stage.PIPELINE) {
        sql.append(stage.ordinal() == 0 ? "" : ", ").append("coalesce(sum(").append(stage.dbName())
            .append("_total), 0), coalesce(sum(").append(stage.dbName()).append("_failed), 0)");
      }
      try (PreparedStatement s = c.prepareStatement(sql + " FROM sites"); ResultSet r = s.executeQuery()) {
        r.next();
        List<StageFailures> out = new ArrayList<>();
        for (Stage stage : Stage.PIPELINE) {
          out.add(new StageFailures(stage, r.getLong(2 * stage.ordinal() + 1), r.getLong(2 * stage.ordinal() + 2)));
        }
        return out;
      }
    });
  }

  /** One page of all sites, in subdomain order, and how many there are. */
  public record Page(List<SiteRow> sites, int total) {}

  public Page sites(int offset, int limit) {
    return db.transaction(c -> {
      List<SiteRow> rows = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT * FROM sites ORDER BY subdomain OFFSET ? LIMIT ?")) {
        s.setInt(1, offset);
        s.setInt(2, limit);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            rows.add(SiteRow.from(r));
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM sites"); ResultSet r = s.executeQuery()) {
        r.next();
        return new Page(rows, r.getInt(1));
      }
    });
  }

  /** A document that failed a stage, any site. */
  public record RecentFailure(String subdomain, String documentId, String stage, String error, Instant at) {}

  /** The latest documents that failed a stage, any site, newest first. */
  public List<RecentFailure> recentFailures(int limit) {
    return db.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT subdomain, document_id, error_stage, error, updated_at FROM documents"
              + " WHERE 'failed' IN (ocr_status, compilation_status, extraction_status, deploy_status)"
              + " ORDER BY updated_at DESC, subdomain, document_id LIMIT ?")) {
        s.setInt(1, limit);
        List<RecentFailure> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(new RecentFailure(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                r.getTimestamp(5).toInstant()));
          }
        }
        return out;
      }
    });
  }
}
