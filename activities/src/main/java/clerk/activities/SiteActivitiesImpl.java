package clerk.activities;

import clerk.activities.db.SiteRepository;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.Pipelines;
import clerk.workflows.SitePipelineWorkflowImpl;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import clerk.workflows.DocumentRef;
import clerk.workflows.SiteActivities;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class SiteActivitiesImpl implements SiteActivities {
  private static final Logger log = LoggerFactory.getLogger(SiteActivitiesImpl.class);

  private final SiteInventory inventory;
  private final SiteRepository repository;
  private final SiteStorage storage;
  private final Pipelines pipelines;

  public SiteActivitiesImpl(SiteInventory inventory, SiteRepository repository, SiteStorage storage,
      Pipelines pipelines) {
    this.inventory = inventory;
    this.repository = repository;
    this.storage = storage;
    this.pipelines = pipelines;
  }

  @Override
  public StageCounters beginStage(String subdomain, Stage stage) {
    if (stage == Stage.OCR) {
      // The filesystem says which documents exist and which already have their text. A large site
      // takes a while: the walk and the comparison heartbeat as they go.
      ActivityExecutionContext context = Activity.getExecutionContext();
      inventory.sync(subdomain, () -> context.heartbeat(null));
    }
    StageCounters counters = repository.enterStage(subdomain, stage);
    log.info("{}: entering {}", subdomain, counters);
    return counters;
  }

  @Override
  public List<DocumentRef> pendingDocuments(String subdomain, Stage stage, String afterId, int limit) {
    return repository.pendingDocuments(subdomain, stage, afterId, limit);
  }

  @Override
  public StageCounters recordFailure(String subdomain, Stage stage, String documentId, String reason) {
    // The half-written text goes first: once the document is marked failed no attempt comes back
    // to it, so a crash between the two must not leave its partial folder behind for good.
    if (stage == Stage.OCR && documentId != null) {
      inventory.dropPartialText(subdomain, documentId);
    }
    return repository.markFailed(subdomain, stage, documentId, reason);
  }

  @Override
  public StageCounters stageCounters(String subdomain, Stage stage) {
    return repository.counters(subdomain, stage);
  }

  @Override
  public Stage stageToResume(String subdomain) {
    for (Stage stage : Stage.PIPELINE) {
      if (!repository.counters(subdomain, stage).finished()) {
        return stage;
      }
    }
    return Stage.COMPLETED;
  }

  @Override
  public void awaitAvailable(String subdomain) {
    try {
      repository.siteExists(subdomain);
      storage.requireSiteDir(subdomain);
    } catch (UnavailableException e) {
      throw ApplicationFailure.newFailure(e.getMessage(), SitePipelineWorkflowImpl.UNAVAILABLE);
    } catch (RuntimeException e) {
      if (UnavailableException.isDatabaseUnreachable(e)) {
        throw ApplicationFailure.newFailure("database unavailable: " + e.getMessage(),
            SitePipelineWorkflowImpl.UNAVAILABLE);
      }
      throw e;
    }
  }

  @Override
  public List<String> runningWorkflows(List<String> workflowIds) {
    return workflowIds.stream()
        .filter(id -> Pipelines.isRunning(pipelines.client(), id, null))
        .toList();
  }

  @Override
  public Stage finishSite(String subdomain, String note) {
    Stage end = repository.finishSite(subdomain, note);
    if (end == Stage.COMPLETED) {
      log.info("{}: completed: {}", subdomain, note);
    } else if (end == Stage.FAILED) {
      log.warn("{}: needs an operator: {}", subdomain, note);
    } else {
      log.info("{}: not finished: {} has work again", subdomain, end.dbName());
    }
    return end;
  }

  @Override
  public void completeSite(String subdomain, String note) {
    finishSite(subdomain, note);
  }
}
