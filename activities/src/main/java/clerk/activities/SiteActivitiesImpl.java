package clerk.activities;

import clerk.activities.db.SiteRepository;
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

  public SiteActivitiesImpl(SiteInventory inventory, SiteRepository repository) {
    this.inventory = inventory;
    this.repository = repository;
  }

  @Override
  public StageCounters beginStage(String subdomain, Stage stage) {
    if (stage == Stage.OCR) {
      // The filesystem says which documents exist and which already have their text.
      inventory.sync(subdomain);
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
    StageCounters counters = repository.markFailed(subdomain, stage, documentId, reason);
    if (stage == Stage.OCR && documentId != null) {
      inventory.dropPartialText(subdomain, documentId);
    }
    return counters;
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
