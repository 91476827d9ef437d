package clerk.activities.db;

import clerk.workflows.ReconciliationReport;
import clerk.workflows.ReconciliationRequest;
import clerk.workflows.SiteReconciliation;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * The {@code reconciliation_runs} table: the record of every run and its per-site report
 * ({@code reconciliation_sites}), and the lease that keeps two acting runs from overlapping (see
 * V2__reconciliation_runs.sql and V3__living_sites.sql).
 */
public final class ReconciliationRuns {
  /** Runs (with their per-site rows) are kept this long. */
  static final Duration KEEP = Duration.ofDays(30);

  private final SiteRepository db;

  public ReconciliationRuns(DataSource dataSource) {
    this.db = new SiteRepository(dataSource);
  }

  /** The run that holds the lease: its Temporal workflow tells whether it still runs. */
  public record Holder(long runId, String workflowId, String temporalRunId, String trigger, Instant startedAt) {}

  /** A run that holds the lease (or a dry run, which needs none), or the one that kept this run from it. */
  public record Lease(long runId, Instant startedAt, boolean taken, String holderTrigger) {}

  /**
   * Records a new run and, unless it is a dry run, takes the lease. The lease of a run that is still
   * 'running' is taken over when the run's own retry asks again (same workflow and Temporal run: the
   * same lease comes back), when its workflow no longer runs ({@code running} says no: killed worker
   * and lost server state, terminated, failed), or when it outlived its lease.
   *
   * @param running whether a holder's workflow is still running (asks Temporal)
   */
  public Lease begin(ReconciliationRequest request, String workflowId, String temporalRunId, Duration leaseFor,
      Predicate<Holder> running) {
    return db.transaction(c -> {
      if (!request.dryRun()) {
        // Serialises concurrent begins, so the loser sees the winner's row instead of a unique violation.
        try (PreparedStatement lock = c.prepareStatement("LOCK TABLE reconciliation_runs IN EXCLUSIVE MODE")) {
          lock.execute();
        }
        abandon(c, "lease_until < now()", "lease expired: the run died before finishing", null);
        Holder holder = holder(c);
        if (holder != null) {
          if (holder.workflowId().equals(workflowId) && temporalRunId != null
              && temporalRunId.equals(holder.temporalRunId())) {
            return new Lease(holder.runId(), holder.startedAt(), true, holder.trigger());
          }
          if (running.test(holder)) {
            return new Lease(holder.runId(), holder.startedAt(), false, holder.trigger());
          }
          abandon(c, "id = ?", "its workflow " + holder.workflowId() + " is no longer running", holder.runId());
        }
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO reconciliation_runs (trigger, workflow_id, temporal_run_id, lease_until, threshold_minutes,"
              + " dry_run, site) VALUES (?, ?, ?, now() + make_interval(secs => ?), ?, ?, ?)"
              + " RETURNING id, started_at")) {
        s.setString(1, request.trigger());
        s.setString(2, workflowId);
        s.setString(3, temporalRunId);
        s.setDouble(4, leaseFor.toSeconds());
        s.setInt(5, request.thresholdMinutes());
        s.setBoolean(6, request.dryRun());
        s.setString(7, request.site());
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return new Lease(r.getLong(1), r.getTimestamp(2).toInstant(), true, request.trigger());
        }
      }
    });
  }

  private static Holder holder(java.sql.Connection c) throws java.sql.SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT id, coalesce(workflow_id, ''), temporal_run_id, trigger, started_at FROM reconciliation_runs"
            + " WHERE status = 'running' AND NOT dry_run")) {
      try (ResultSet r = s.executeQuery()) {
        return r.next()
            ? new Holder(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getTimestamp(5).toInstant())
            : null;
      }
    }
  }

  private static void abandon(java.sql.Connection c, String which, String why, Long id)
      throws java.sql.SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE reconciliation_runs SET status = 'abandoned', finished_at = now(),"
            + " errors = errors || jsonb_build_array(?::text)"
            + " WHERE status = 'running' AND NOT dry_run AND " + which)) {
      s.setString(1, why);
      if (id != null) {
        s.setLong(2, id);
      }
      s.executeUpdate();
    }
  }

  /** Records what the run found and did for one site. Recording it again (a retry) replaces it. */
  public void recordSite(long runId, SiteReconciliation site) {
    db.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO reconciliation_sites (run_id, subdomain, action, repaired, report) VALUES (?, ?, ?, ?, ?::jsonb)"
              + " ON CONFLICT (run_id, subdomain) DO UPDATE SET action = excluded.action,"
              + " repaired = excluded.repaired, report = excluded.report")) {
        s.setLong(1, runId);
        s.setString(2, site.subdomain());
        s.setString(3, site.action());
        s.setBoolean(4, site.repaired());
        s.setString(5, Json.write(site));
        s.executeUpdate();
      }
      return null;
    });
  }

  /** One page of a run's per-site report, in subdomain order. */
  public List<SiteReconciliation> sites(long runId, int offset, int limit) {
    return sites(runId, "", offset, limit);
  }

  /** One page of the sites whose pipeline the run is to signal or start. */
  public List<SiteReconciliation> sitesToResume(long runId, int offset, int limit) {
    return sites(runId, " AND lower(action) IN ('signalled', 'restarted')", offset, limit);
  }

  private List<SiteReconciliation> sites(long runId, String where, int offset, int limit) {
    return db.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT report::text FROM reconciliation_sites WHERE run_id = ?" + where
              + " ORDER BY subdomain COLLATE \"C\" OFFSET ? LIMIT ?")) {
        s.setLong(1, runId);
        s.setInt(2, offset);
        s.setInt(3, limit);
        List<SiteReconciliation> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(Json.MAPPER.readValue(r.getString(1), SiteReconciliation.class));
          }
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("reconciliation_sites.report is not a site report", e);
        }
        return out;
      }
    });
  }

  /**
   * Records the run's report and releases its lease. Finishing twice (a retry) changes nothing. Runs
   * older than {@link #KEEP} go, with their per-site rows.
   */
  public void finish(ReconciliationReport report) {
    db.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE reconciliation_runs SET status = ?, finished_at = coalesce(finished_at, now()),"
              + " sites_scanned = ?, sites_examined = ?, sites_repaired = ?, sites_signalled = ?,"
              + " sites_restarted = ?, sites_all_failed = ?, sites_errors = ?, errors = ?::jsonb WHERE id = ?")) {
        s.setString(1, report.status());
        s.setInt(2, report.scanned());
        s.setInt(3, report.examined());
        s.setInt(4, report.repaired());
        s.setInt(5, report.signalled());
        s.setInt(6, report.restarted());
        s.setInt(7, report.allFailed());
        s.setInt(8, report.errorCount());
        s.setString(9, Json.write(report.errors()));
        s.setLong(10, report.runId());
        s.executeUpdate();
      }
      try (PreparedStatement s = c.prepareStatement(
          "DELETE FROM reconciliation_runs WHERE status <> 'running' AND started_at < now() - make_interval(secs => ?)")) {
        s.setDouble(1, KEEP.toSeconds());
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
      int scanned,
      int examined,
      int repaired,
      int signalled,
      int restarted,
      int allFailed,
      List<String> errors,
      int errorCount) {
    /** The run in the shape every report of a run has ({@code clerk reconcile-pipeline --json}, docs/api.md). */
    public ReconciliationReport report() {
      return new ReconciliationReport(id, trigger, false, thresholdMinutes, status, startedAt.toString(),
          finishedAt.toString(), scanned, examined, repaired, signalled, restarted, allFailed, errorCount, errors);
    }
  }

  /** The most recent acting run that finished (or was abandoned); dry runs do not count. */
  public Optional<Run> last() {
    return db.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id, trigger, status, started_at, finished_at, threshold_minutes, sites_scanned, sites_examined,"
              + " sites_repaired, sites_signalled, sites_restarted, sites_all_failed, errors::text,"
              + " sites_errors"
              + " FROM reconciliation_runs WHERE status <> 'running' AND NOT dry_run"
              + " ORDER BY finished_at DESC, id DESC LIMIT 1")) {
        try (ResultSet r = s.executeQuery()) {
          if (!r.next()) {
            return Optional.empty();
          }
          return Optional.of(new Run(r.getLong(1), r.getString(2), r.getString(3),
              r.getTimestamp(4).toInstant(), r.getTimestamp(5).toInstant(), r.getInt(6), r.getInt(7),
              r.getInt(8), r.getInt(9), r.getInt(10), r.getInt(11), r.getInt(12), Json.strings(r.getString(13)),
              r.getInt(14)));
        }
      }
    });
  }
}
