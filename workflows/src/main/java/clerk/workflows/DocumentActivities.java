package clerk.workflows;

import io.temporal.activity.ActivityInterface;

/** The stages after OCR. Each marks its document completed in the same transaction as its writes. */
@ActivityInterface
public interface DocumentActivities {
  /** Loads a document's page texts into the full-text {@code pages} table. */
  DocumentOutcome compileDocument(DocumentRef document);

  /** Finds motions and votes in a document's pages. */
  DocumentOutcome extractDocument(DocumentRef document);

  /**
   * Writes the site's publishable bundle to {@code DEPLOY_DIR/{subdomain}/}, atomically replacing the
   * previous one, and marks every document in it deployed.
   */
  StageCounters deploySite(String subdomain);
}
