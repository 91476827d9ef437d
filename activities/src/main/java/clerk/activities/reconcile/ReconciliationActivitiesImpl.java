package clerk.activities.reconcile;

import clerk.activities.db.ReconciliationRuns;
import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.storage.InvalidNameException;
import clerk.workflows.Pipelines;
import clerk.workflows.ReconciliationActivities;
import clerk.workflows.ReconciliationReport;
import clerk.workflows.ReconciliationRequest;
import clerk.workflows.RunStart;
import clerk.workflows.SiteReconciliation;
import clerk.workflows.SiteReconciliation.Action;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import clerk.workflows.StuckSite;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class ReconciliationActivitiesImpl implements ReconciliationActivities {
  private static final Logger log = LoggerFactory.getLogger(ReconciliationActivitiesImpl.class);

  /** Error type of a site that cannot be reconciled from its storage; retrying cannot help. */
  public static final String CANNOT_RECONCILE = "CannotReconcile";

  private final SiteRepository repository;
  private final ReconciliationRuns runs;
  private final SiteReconciler reconciler;
  private final Pipelines pipelines;
  private final Duration lease;

  /**
   * @param lease how long a run may hold the lease before another run takes over (the run timeout)
   */
  public ReconciliationActivitiesImpl(
      SiteRepository repository, SiteReconciler reconciler, Pipelines pipelines, Duration lease) {
    this.repository = repository;
    this.runs = new ReconciliationRuns(repository.dataSource());
    this.reconciler = reconciler;
    this.pipelines = pipelines;
    this.lease = lease;
  }

  @Override
  public RunStart beginRun(ReconciliationRequest request) {
    Long runId = null;
    Instant started = Instant.now();
    if (!request.dryRun()) {
      ReconciliationRuns.Lease taken =
          runs.begin(request, Activity.getExecutionContext().getInfo().getWorkflowId(), lease);
      if (!taken.taken()) {
        String why = "skipped: reconciliation run " + taken.runId() + " (" + taken.holderTrigger()
            + ", started " + taken.startedAt() + ") is still acting";
        log.info("reconciliation {}", why);
        return new RunStart(null, started.toString(), List.of(), why);
      }
      runId = taken.runId();
      started = taken.startedAt();
    }
    return new RunStart(runId, started.toString(), stuckSites(request), null);
  }

  /**
   * Sites not completed with no progress for the threshold, or whose pipeline is not running at all
   * (terminated, lost with an embedded server's state, never started). A named site is always taken.
   */
  private List<StuckSite> stuckSites(ReconciliationRequest request) {
    List<StuckSite> stuck = new ArrayList<>();
    Instant now = Instant.now();
    Duration threshold = Duration.ofMinutes(request.thresholdMinutes());
    List<SiteRow> rows;
    if (request.site() != null) {
      SiteRow row = repository.site(request.site());
      if (row == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            "unknown site " + request.site() + ": add it with 'clerk sites add'", CANNOT_RECONCILE);
      }
      rows = List.of(row);
    } else {
      rows = repository.sites().stream()
          .filter(r -> r.currentStage() != null && r.currentStage() != Stage.COMPLETED)
          .toList();
    }
    for (SiteRow row : rows) {
      Duration quiet = Duration.between(row.updatedAt(), now);
      if (request.site() != null) {
        stuck.add(new StuckSite(row.subdomain(), "asked for (" + describe(row) + ")"));
      } else if (quiet.compareTo(threshold) >= 0) {
        stuck.add(new StuckSite(row.subdomain(), "no progress for " + hoursMinutes(quiet)));
      } else if (!pipelines.isRunning(row.subdomain())) {
        stuck.add(new StuckSite(row.subdomain(), "pipeline not running"));
      }
      Activity.getExecutionContext().heartbeat(row.subdomain());
    }
    return stuck;
  }

  private static String describe(SiteRow row) {
    return row.currentStage() == null ? "never started" : row.currentStage().dbName();
  }

  static String hoursMinutes(Duration d) {
    long minutes = d.toMinutes();
    return minutes >= 60 ? minutes / 60 + "h " + minutes % 60 + "m" : minutes + "m";
  }

  @Override
  public SiteReconciliation reconcileSite(String subdomain, String reason, boolean dryRun) {
    SiteReconciler.Repair repair;
    try {
      repair = reconciler.repair(subdomain, dryRun);
    } catch (SiteReconciler.CannotReconcile | InvalidNameException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), CANNOT_RECONCILE);
    }
    repair.problems().forEach(p -> log.warn("{}: {}", subdomain, p));
    StageCounters at = repair.after().counters(repair.stage());
    Action action;
    String detail;
    if (repair.stage() == Stage.COMPLETED) {
      action = Action.COMPLETED;
      detail = repair.repairs().isEmpty() ? "completed, nothing to do" : "every document done: marked completed";
    } else if (repair.allFailed()) {
      action = Action.ALL_FAILED;
      detail = "No completed " + stageWord(repair.stage()) + " documents found - ALL "
          + stageWord(repair.stage()) + " failed (" + at.failed() + " documents; see 'clerk status "
          + subdomain + "')";
    } else {
      String found = "Found " + repair.after().counters(Stage.OCR).completed() + " completed documents";
      String where = "in " + repair.stage().dbName() + " " + at.completed() + "/" + at.total() + ", "
          + at.failed() + " failed";
      if (dryRun) {
        action = Action.NONE;
        detail = found + ", would " + (pipelines.isRunning(subdomain) ? "signal the pipeline" : "restart the pipeline")
            + " " + where;
      } else {
        boolean restarted = pipelines.resume(subdomain, "reconciliation: " + reason + "; " + where
            + (repair.repairs().isEmpty() ? "" : "; repaired " + String.join(", ", repair.repairs())));
        action = restarted ? Action.RESTARTED : Action.SIGNALLED;
        detail = found + ", " + (restarted ? "restarted the pipeline" : "signalled the pipeline") + " " + where;
      }
    }
    SiteReconciliation result = new SiteReconciliation(subdomain, reason,
        name(repair.before().currentStage()), repair.stage().dbName(), repair.before().counters(),
        repair.after().counters(), repair.pdfs(), repair.texts(), repair.partial(), repair.repairs(),
        action.name(), detail);
    log.info("{}{}: {}{}", dryRun ? "[dry run] " : "", subdomain, detail,
        repair.repairs().isEmpty() ? "" : "; repaired " + String.join(", ", repair.repairs()));
    return result;
  }

  private static String stageWord(Stage stage) {
    return stage == Stage.OCR ? "OCR" : stage.dbName();
  }

  private static String name(Stage stage) {
    return stage == null ? null : stage.dbName();
  }

  @Override
  public void finishRun(ReconciliationReport report) {
    runs.finish(report);
    log.info("reconciliation run {} ({}): {} examined, {} repaired, {} signalled, {} restarted, {} all failed{}",
        report.runId(), report.trigger(), report.examined(), report.repaired(), report.signalled(),
        report.restarted(), report.allFailed(), report.errors().isEmpty() ? "" : ", errors: " + report.errors());
  }
}
