package clerk.activities;

import clerk.activities.db.SiteRepository;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.DocumentRef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the database agree with the disk about which documents a site has and which have their text:
 * the filesystem is the source of truth. Used when OCR begins and when sites are imported.
 */
public final class SiteInventory {
  private static final Logger log = LoggerFactory.getLogger(SiteInventory.class);

  private final SiteStorage storage;
  private final SiteRepository repository;

  public SiteInventory(SiteStorage storage, SiteRepository repository) {
    this.storage = storage;
    this.repository = repository;
  }

  /** What one sync found on disk. */
  public record Found(int documents, int textComplete, List<String> problems) {}

  public Found sync(String subdomain) {
    SiteStorage.Scan scan = storage.scan(subdomain);
    scan.problems().forEach(p -> log.warn("{}: {}", subdomain, p));
    Map<String, Integer> textPages = new HashMap<>();
    for (DocumentRef d : scan.documents()) {
      int pages = storage.textPageCount(d);
      if (pages > 0) {
        textPages.put(d.id(), pages);
      }
    }
    repository.syncDocuments(subdomain, scan.documents(), textPages);
    return new Found(scan.documents().size(), textPages.size(), scan.problems());
  }
}
