package clerk.activities.reconcile;

import clerk.activities.UnavailableException;
import clerk.activities.db.ReconciliationRuns;
import clerk.activities.db.SiteChecks;
import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.deploy.SiteBundleWriter;
import clerk.activities.storage.InvalidNameException;
import clerk.activities.storage.SiteSurvey;
import clerk.workflows.Pipelines;
import clerk.workflows.ReconciliationActivities;
import clerk.workflows.ReconciliationBatch;
import clerk.workflows.ReconciliationReport;
import clerk.workflows.ReconciliationRequest;
import clerk.workflows.ReconciliationTotals;
import clerk.workflows.RunStart;
import clerk.workflows.SiteReconciliation;
import clerk.workflows.SiteReconciliation.Action;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class ReconciliationActivitiesImpl implements ReconciliationActivities {
  private static final Logger log = LoggerFactory.getLogger(ReconciliationActivitiesImpl.class);

  /** Error type of a run that cannot start (unknown site); retrying cannot help. */
  public static final String CANNOT_RECONCILE = "CannotReconcile";

  private final SiteRepository repository;
  private final ReconciliationRuns runs;
  private final SiteReconciler reconciler;
  private final Pipelines pipelines;
  private final Path deployDir;
  private final Duration lease;

  /**
   * @param lease how long a run may hold the lease before another run takes over (the run timeout)
   */
  public ReconciliationActivitiesImpl(SiteRepository repository, SiteReconciler reconciler, Pipelines pipelines,
      Path deployDir, Duration lease) {
    this.repository = repository;
    this.runs = new ReconciliationRuns(repository.dataSource());
    this.reconciler = reconciler;
    this.pipelines = pipelines;
    this.deployDir = deployDir;
    this.lease = lease;
  }

  @Override
  public RunStart beginRun(ReconciliationRequest request) {
    if (request.site() != null && !repository.siteExists(request.site())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "unknown site " + request.site() + ": add it with 'clerk sites add'", CANNOT_RECONCILE);
    }
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    ReconciliationRuns.Lease taken = runs.begin(request, info.getWorkflowId(), info.getRunId(), lease,
        holder -> holder.temporalRunId() != null
            && Pipelines.isRunning(pipelines.client(), holder.workflowId(), holder.temporalRunId()));
    if (!taken.taken()) {
      String why = "skipped: reconciliation run " + taken.runId() + " (" + taken.holderTrigger()
          + ", started " + taken.startedAt() + ") is acting";
      log.info("reconciliation {}", why);
      return new RunStart(null, Instant.now().toString(), why);
    }
    return new RunStart(taken.runId(), taken.startedAt().toString(), null);
  }

  @Override
  public ReconciliationBatch reconcileSites(long runId, ReconciliationRequest request, String after, int limit) {
    List<SiteRow> rows;
    if (request.site() != null) {
      SiteRow row = repository.site(request.site());
      rows = after != null || row == null ? List.of() : List.of(row);
    } else {
      rows = repository.sitesAfter(after, limit);
    }
    List<String> names = rows.stream().map(SiteRow::subdomain).toList();
    Map<String, SiteChecks.Check> checks = repository.transaction(c -> SiteChecks.check(c, names));
    Map<String, String> bundles = repository.transaction(c -> SiteBundleWriter.fingerprints(c, names));
    ActivityExecutionContext context = Activity.getExecutionContext();
    ReconciliationTotals totals = ReconciliationTotals.NONE;
    Instant now = Instant.now();
    for (SiteRow row : rows) {
      SiteReconciliation site;
      try {
        site = examine(row, checks.get(row.subdomain()), bundles.get(row.subdomain()), request, now);
      } catch (SiteReconciler.CannotReconcile | InvalidNameException | UnavailableException e) {
        site = SiteReconciliation.error(row.subdomain(), "examined", e.getMessage());
        log.warn("reconciliation of {} failed: {}", row.subdomain(), e.getMessage());
      } catch (RuntimeException e) {
        if (UnavailableException.isDatabaseUnreachable(e)) {
          throw e; // not this site's trouble: the batch is retried, or the run stops and says so
        }
        site = SiteReconciliation.error(row.subdomain(), "examined", e.toString());
        log.error("reconciliation of {} failed", row.subdomain(), e);
      }
      if (site != null) {
        runs.recordSite(runId, site);
      }
      totals = totals.plus(site);
      context.heartbeat(row.subdomain());
    }
    String last = names.isEmpty() ? after : names.get(names.size() - 1);
    return new ReconciliationBatch(last, request.site() == null && rows.size() == limit, totals);
  }

  /**
   * Compares one site's folder, counters and bundle with the database; when something differs, or
   * the site has work left and is stuck, or it was asked for by name, repairs it and gets its pipeline
   * going. Returns null for a site in step (or in progress with nothing to repair): no detail row.
   */
  SiteReconciliation examine(SiteRow row, SiteChecks.Check check, String expectedBundle,
      ReconciliationRequest request, Instant now) {
    String site = row.subdomain();
    boolean asked = request.site() != null;
    if (!java.nio.file.Files.isDirectory(reconciler.storage().siteDir(site))
        && row.counters(Stage.OCR).total() == 0 && !asked) {
      return null; // registered, nothing on disk yet and nothing known: nothing to compare
    }
    reconciler.storage().requireSiteDir(site);
    SiteSurvey survey = reconciler.storage().survey(site);
    List<String> reasons = new ArrayList<>();
    if (!survey.fingerprint().equals(row.storageFingerprint())) {
      reasons.add(row.storageFingerprint() == null ? "storage not compared yet" : "storage changed");
    }
    if (check.countersOff()) {
      reasons.add("counters differ from the documents");
    }
    if (check.pagesShort() > 0) {
      reasons.add(check.pagesShort() + " compiled document(s) with page rows missing");
    }
    Stage derived = row.derivedStage();
    if (!check.countersOff()) {
      if (row.currentStage() != null && derived != row.currentStage()) {
        reasons.add("stage " + row.currentStage().dbName() + " but the counters say " + derived.dbName());
      }
      if (derived.isEnd() && bundleOutOfDate(row, expectedBundle)) {
        reasons.add("bundle out of date");
      }
    }
    boolean hasWork = (row.currentStage() != null && !row.currentStage().isEnd()) || !derived.isEnd();
    Boolean running = null;
    String stuck = null;
    if (hasWork) {
      Duration quiet = Duration.between(row.updatedAt(), now);
      if (quiet.toMinutes() >= request.thresholdMinutes()) {
        stuck = "no progress for " + hoursMinutes(quiet);
      } else if (!(running = pipelines.isRunning(site))) {
        stuck = "pipeline not running";
      }
    }
    if (stuck != null) {
      reasons.add(stuck);
    }
    if (reasons.isEmpty() && !asked) {
      return null;
    }
    String reason = asked
        ? "asked for (" + (row.currentStage() == null ? "never started" : row.currentStage().dbName()) + ")"
        : String.join("; ", reasons);

    SiteReconciler.Repair repair = reconciler.repair(site, request.dryRun(), false, survey);
    repair.problems().forEach(p -> log.debug("{}: {}", site, p));
    boolean repaired = !repair.repairs().isEmpty();
    Stage stage = repair.stage();
    Action action;
    String detail;
    if (stage == Stage.COMPLETED) {
      if (!repaired && !asked) {
        return null;
      }
      action = Action.COMPLETED;
      detail = repaired ? "every document done: completed" : "completed, nothing to do";
    } else if (stage == Stage.FAILED) {
      if (!repaired && !asked) {
        return null; // no news: it was all-failed before, and nothing changed on disk
      }
      StageCounters failed = repair.after().counters(repair.after().allFailedStage());
      action = Action.ALL_FAILED;
      detail = "No completed " + stageWord(failed.stage()) + " documents found - ALL " + stageWord(failed.stage())
          + " failed (" + failed.failed() + " documents; see 'clerk status " + site + "', then 'clerk retry "
          + site + "')";
    } else {
      boolean isRunning = running != null ? running : pipelines.isRunning(site);
      if (!repaired && stuck == null && isRunning && !asked) {
        return null; // in progress; its own pipeline changed the storage
      }
      StageCounters at = repair.after().counters(stage);
      String found = "Found " + repair.after().counters(Stage.OCR).completed() + " completed documents";
      String where = "in " + stage.dbName() + " " + at.completed() + "/" + at.total() + ", " + at.failed() + " failed";
      if (request.dryRun()) {
        action = isRunning ? Action.SIGNALLED : Action.RESTARTED;
        detail = found + ", would " + (isRunning ? "signal" : "restart") + " the pipeline " + where;
      } else {
        boolean restarted = pipelines.resume(site, "reconciliation: " + reason + "; " + where
            + (repaired ? "; repaired " + String.join(", ", repair.repairs()) : ""));
        action = restarted ? Action.RESTARTED : Action.SIGNALLED;
        detail = found + ", " + (restarted ? "restarted" : "signalled") + " the pipeline " + where;
      }
    }
    SiteReconciliation result = new SiteReconciliation(site, reason,
        name(repair.before().currentStage()), stage.dbName(), repair.before().counters(),
        repair.after().counters(), repair.pdfs(), repair.texts(), repair.partial(), repair.repairs(),
        action.name(), detail);
    log.info("{}{}: {}{}", request.dryRun() ? "[dry run] " : "", site, detail,
        repaired ? "; repaired " + String.join(", ", repair.repairs()) : "");
    return result;
  }

  /** As {@link SiteReconciler} decides it: a bundle that a repair would send back to deploy. */
  private boolean bundleOutOfDate(SiteRow row, String expected) {
    String onDisk = SiteBundleWriter.fingerprintOnDisk(deployDir, row.subdomain());
    int deployed = row.counters(Stage.DEPLOY).completed();
    if (onDisk == null) {
      return deployed > 0;
    }
    return !onDisk.equals(expected) && (deployed > 0 || SiteBundleWriter.EMPTY_FINGERPRINT.equals(expected));
  }

  static String hoursMinutes(Duration d) {
    long minutes = d.toMinutes();
    return minutes >= 60 ? minutes / 60 + "h " + minutes % 60 + "m" : minutes + "m";
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
    log.info("reconciliation run {} ({}{}): {} sites compared, {} examined, {} repaired, {} signalled,"
            + " {} restarted, {} all failed{}",
        report.runId(), report.trigger(), report.dryRun() ? ", dry run" : "", report.scanned(), report.examined(),
        report.repaired(), report.signalled(), report.restarted(), report.allFailed(),
        report.errors().isEmpty() ? "" : ", " + report.errorCount() + " errors: " + report.errors());
  }
}
