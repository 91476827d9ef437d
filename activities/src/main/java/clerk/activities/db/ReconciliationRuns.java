package clerk.activities.db;

import clerk.workflows.ReconciliationReport;
import clerk.workflows.ReconciliationRequest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code reconciliation_runs} table: the record of every run that acted, and the lease that keeps
 * two runs from acting at once (see V2__reconciliation_runs.sql).
 */
public final class ReconciliationRuns {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SiteRepository db;

  public ReconciliationRuns(DataSource dataSource) {
    this.db = new SiteRepository(dataSource);
  }

  /** A run that holds the lease, or the one that kept this run from taking it. */
  public record Lease(long runId, Instant startedAt, boolean taken, String holderTrigger) {}

  /**
   * Takes the lease for a new run. A run still 'running' after its lease expired died without
   * finishing (worker killed, workflow terminated): it is marked abandoned and the lease is taken over.
   */
  public Lease begin(ReconciliationRequest request, String workflowId, Duration leaseFor) {
    return db.transaction(c -> {
      // Serialises concurrent begins, so the loser sees the winner's row instead of a unique violation.
      try (PreparedStatement lock = c.prepareStatement("LOCK TABLE reconciliation_runs IN EXCLUSIVE MODE")) {
        lock.execute();
      }
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE reconciliation_runs SET status = 'abandoned', finished_at = now(),"
              + " errors = errors || '[\"lease expired: the run died before finishing\"]'::jsonb"
              + " WHERE status = 'running' AND lease_until < now()")) {
        s.executeUpdate();
      }
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id, started_at, trigger FROM reconciliation_runs WHERE status = 'running'")) {
        try (ResultSet r = s.executeQuery()) {
          if (r.next()) {
            return new Lease(r.getLong(1), r.getTimestamp(2).toInstant(), false, r.getString(3));
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO reconciliation_runs (trigger, workflow_id, lease_until, threshold_minutes, dry_run, site)"
              + " VALUES (?, ?, now() + make_interval(secs => ?), ?, ?, ?) RETURNING id, started_at")) {
        s.setString(1, request.trigger());
        s.setString(2, workflowId);
        s.setDouble(3, leaseFor.toSeconds());
        s.setInt(4, request.thresholdMinutes());
        s.setBoolean(5, request.dryRun());
        s.setString(6, request.site());
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return new Lease(r.getLong(1), r.getTimestamp(2).toInstant(), true, request.trigger());
        }
      }
    });
  }

  /** Records the run's report and releases its lease. Finishing twice (a retry) changes nothing. */
  public void finish(ReconciliationReport report) {
    db.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE reconciliation_runs SET status = ?, finished_at = coalesce(finished_at, now()),"
              + " sites_examined = ?, sites_repaired = ?, sites_signalled = ?, sites_restarted = ?,"
              + " sites_all_failed = ?, details = ?::jsonb, errors = ?::jsonb WHERE id = ?")) {
        s.setString(1, report.status());
        s.setInt(2, report.examined());
        s.setInt(3, report.repaired());
        s.setInt(4, report.signalled());
        s.setInt(5, report.restarted());
        s.setInt(6, report.allFailed());
        s.setString(7, json(report.sites()));
        s.setString(8, json(report.errors()));
        s.setLong(9, report.runId());
        s.executeUpdate();
      }
      return null;
    });
  }

  /** A finished run as stored. */
  public record Run(
      long id,
      String trigger,
      String status,
      Instant startedAt,
      Instant finishedAt,
      int thresholdMinutes,
      int examined,
      int repaired,
      int signalled,
      int restarted,
      int allFailed,
      List<String> errors) {}

  /** The most recent run that finished (or was abandoned). */
  public Optional<Run> last() {
    return db.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id, trigger, status, started_at, finished_at, threshold_minutes, sites_examined,"
              + " sites_repaired, sites_signalled, sites_restarted, sites_all_failed, errors"
              + " FROM reconciliation_runs WHERE status <> 'running' ORDER BY finished_at DESC, id DESC LIMIT 1")) {
        try (ResultSet r = s.executeQuery()) {
          if (!r.next()) {
            return Optional.empty();
          }
          return Optional.of(new Run(r.getLong(1), r.getString(2), r.getString(3),
              r.getTimestamp(4).toInstant(), r.getTimestamp(5).toInstant(), r.getInt(6), r.getInt(7),
              r.getInt(8), r.getInt(9), r.getInt(10), r.getInt(11), errors(r.getString(12))));
        }
      }
    });
  }

  private static List<String> errors(String json) throws SQLException {
    try {
      return List.of(JSON.readValue(json, String[].class));
    } catch (JsonProcessingException e) {
      throw new SQLException("reconciliation_runs.errors is not a JSON array of strings", e);
    }
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
