package clerk.activities;

import clerk.activities.db.SiteRepository;
import clerk.activities.reconcile.DocumentSync;
import clerk.activities.storage.SiteStorage;
import clerk.activities.storage.SiteSurvey;
import clerk.workflows.DocumentRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the database agree with the disk about which documents a site has, which of them changed and
 * which have their text, when a pipeline enters OCR: the same comparison reconciliation makes
 * ({@link DocumentSync}).
 */
public final class SiteInventory {
  private static final Logger log = LoggerFactory.getLogger(SiteInventory.class);

  private final SiteStorage storage;
  private final SiteRepository repository;
  private final DocumentSync documents;

  public SiteInventory(SiteStorage storage, SiteRepository repository) {
    this.storage = storage;
    this.repository = repository;
    this.documents = new DocumentSync(storage);
  }

  /**
   * Deletes the half-written text of a document that failed OCR for good: no attempt resumes from it.
   * Covers the failures its own attempt could not clean up after (its worker died, it timed out).
   */
  public void dropPartialText(String subdomain, String documentId) {
    String[] kindMeetingDate = documentId.split("/", 3);
    try {
      storage.removePartialText(
          new DocumentRef(subdomain, kindMeetingDate[0], kindMeetingDate[1], kindMeetingDate[2]));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public DocumentSync.Result sync(String subdomain) {
    return sync(subdomain, () -> {});
  }

  /** @param progress called now and then while the walk and the comparison go on (a heartbeat) */
  public DocumentSync.Result sync(String subdomain, Runnable progress) {
    // A missing folder is an unmounted volume, never "no documents": that would remove them all.
    storage.requireSiteDir(subdomain);
    SiteSurvey survey = storage.survey(subdomain, progress);
    progress.run();
    DocumentSync.Result result = repository.siteTransaction(subdomain, c -> {
      DocumentSync.Result r = documents.apply(c, subdomain, survey, true);
      repository.recordStorageCheck(c, subdomain, survey.fingerprint(), survey.problems());
      return r;
    });
    if (!survey.problems().isEmpty()) {
      log.warn("{}: {} file(s) skipped, see 'clerk status {}': {}", subdomain, survey.problems().size(),
          subdomain, survey.problems().get(0));
    }
    result.describe().forEach(line -> log.info("{}: {}", subdomain, line));
    return result;
  }
}
