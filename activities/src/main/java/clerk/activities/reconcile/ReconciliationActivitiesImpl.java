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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
  /** Sites examined at once by a batch (walks, repairs and Temporal calls overlap). */
  public static final int SITES_AT_ONCE = 4;
  private final ExecutorService sitePool = Executors.newFixedThreadPool(SITES_AT_ONCE, r -> {
    Thread t = new Thread(r, "reconcile-site");
    t.setDaemon(true);
    return t;
  });

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
    boolean more = false;
    if (request.site() != null) {
      SiteRow row = repository.site(request.site());
      rows = after != null || row == null ? List.of() : List.of(row);
    } else {
      rows = repository.sitesAfter(after, limit + 1);
      more = rows.size() > limit;
      rows = more ? rows.subList(0, limit) : rows;
    }
    List<String> names = rows.stream().map(SiteRow::subdomain).toList();
    Map<String, SiteChecks.Check> checks = repository.transaction(c -> SiteChecks.check(c, names));
    Map<String, String> bundles = repository.transaction(c -> SiteBundleWriter.fingerprints(c, names));
    ActivityExecutionContext context = Activity.getExecutionContext();
    Instant now = Instant.now();
    // Sites are independent: a few at once, so one site's walk or Temporal call does not wait for another's.
    List<Future<SiteReconciliation>> examined = new ArrayList<>();
    for (SiteRow row : rows) {
      examined.add(sitePool.submit(() -> examineSafely(runId, row, checks.get(row.subdomain()),
          bundles.get(row.subdomain()), request, now)));
    }
    ReconciliationTotals totals = ReconciliationTotals.NONE;
    try {
      for (int i = 0; i < rows.size(); i++) {
        totals = totals.plus(examined.get(i).get());
        context.heartbeat(rows.get(i).subdomain());
      }
    } catch (ExecutionException e) {
      examined.forEach(f -> f.cancel(true));
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      examined.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
    String last = names.isEmpty() ? after : names.get(names.size() - 1);
    return new ReconciliationBatch(last, more, totals);
  }

  /**
   * {@link #examine}, with the site's own trouble as its error row; an unreachable database fails the
   * batch (it is not the site's trouble). Records the site's row when it was examined.
   */
  private SiteReconciliation examineSafely(long runId, SiteRow row, SiteChecks.Check check, String bundle,
      ReconciliationRequest request, Instant now) {
    SiteReconciliation site;
    try {
      site = examine(row, check, bundle, request, now);
    } catch (SiteReconciler.CannotReconcile | InvalidNameException | UnavailableException e) {
      site = SiteReconciliation.error(row.subdomain(), "examined", e.getMessage());
      log.warn("reconciliation of {} failed: {}", row.subdomain(), e.getMessage());
    } catch (RuntimeException e) {
      if (UnavailableException.isDatabaseUnreachable(e)) {
        throw e;
      }
      site = SiteReconciliation.error(row.subdomain(), "examined", e.toString());
      log.error("reconciliation of {} failed", row.subdomain(), e);
    }
    if (site != null) {
      runs.recordSite(runId, site);
    }
    return site;
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
          + " failed (" + failed.failed() + (failed.failed() == 1 ? " document" : " documents")
          + "; see 'clerk status " + site + "', then 'clerk retry "
          + site + "')";
    } else {
      boolean isRunning = running != null ? running : pipelines.isRunning(site);
      if (!repaired && stuck == null && isRunning && !asked) {
        return null; // in progress; its own pipeline changed the storage
      }
      StageCounters at = repair.after().counters(stage);
      // The pipeline is signalled or started by resumePipelines once every site is compared: the
      // comparisons never race the pipelines this run sets going.
      action = isRunning ? Action.SIGNALLED : Action.RESTARTED;
      int found = repair.after().counters(Stage.OCR).completed();
      detail = "Found " + found + " completed " + (found == 1 ? "document" : "documents") + ", pipeline in "
          + stage.dbName() + " " + at.completed() + "/" + at.total() + ", " + at.failed() + " failed";
    }
    SiteReconciliation result = new SiteReconciliation(site, reason,
        name(repair.before().currentStage()), stage.dbName(), repair.before().counters(),
        repair.after().counters(), repair.pdfs(), repair.texts(), repair.partial(), repair.repairs(),
        action.label(), detail);
    log.info("{}{}: {}{}{}", request.dryRun() ? "[dry run] " : "", site, detail,
        action == Action.SIGNALLED || action == Action.RESTARTED ? "; to " + action.label() : "",
        repaired ? "; repaired " + String.join(", ", repair.repairs()) : "");
    return result;
  }

  @Override
  public ReconciliationTotals resumePipelines(long runId) {
    List<SiteReconciliation> toResume = new ArrayList<>();
    for (int offset = 0; ; offset += 500) {
      List<SiteReconciliation> page = runs.sitesToResume(runId, offset, 500);
      toResume.addAll(page);
      if (page.size() < 500) {
        break;
      }
    }
    ActivityExecutionContext context = Activity.getExecutionContext();
    List<Future<SiteReconciliation>> resumed = new ArrayList<>();
    for (SiteReconciliation site : toResume) {
      resumed.add(sitePool.submit(() -> resume(runId, site)));
    }
    ReconciliationTotals totals = ReconciliationTotals.NONE;
    try {
      for (Future<SiteReconciliation> f : resumed) {
        SiteReconciliation site = f.get();
        totals = totals.plus(new ReconciliationTotals(0, 0, 0, site.is(Action.SIGNALLED) ? 1 : 0,
            site.is(Action.RESTARTED) ? 1 : 0, 0, site.is(Action.ERROR) ? 1 : 0,
            site.is(Action.ERROR) ? List.of(site.subdomain() + ": " + site.detail()) : List.of()));
        context.heartbeat(site.subdomain());
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
    return totals;
  }

  /** Signals the site's pipeline, or starts it when it is not running; records which it was. */
  private SiteReconciliation resume(long runId, SiteReconciliation site) {
    SiteReconciliation done;
    try {
      boolean running = pipelines.isRunning(site.subdomain());
      boolean started = pipelines.resume(site.subdomain(), "reconciliation: " + site.reason() + "; "
          + site.detail() + (site.repaired() ? "; repaired " + String.join(", ", site.repairs()) : ""), running);
      done = site.withAction(started ? Action.RESTARTED : Action.SIGNALLED, site.detail());
    } catch (RuntimeException e) {
      done = site.withAction(Action.ERROR, "could not set its pipeline going: " + e.getMessage());
      log.warn("{}: {}", site.subdomain(), done.detail());
    }
    if (!done.action().equals(site.action()) || done.is(Action.ERROR)) {
      runs.recordSite(runId, done);
    }
    log.info("{}: {} the pipeline ({})", site.subdomain(), done.is(Action.RESTARTED) ? "restarted" : "signalled",
        site.reason());
    return done;
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
