package clerk.workflows;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** The stages after OCR. Each marks its document completed in the same transaction as its writes. */
@ActivityInterface
public interface DocumentActivities {
  /** Loads a document's page texts into the full-text {@code pages} table. */
  DocumentOutcome compileDocument(DocumentRef document);

  /** Finds motions and votes in a document's pages. */
  DocumentOutcome extractDocument(DocumentRef document);

  /**
   * {@link #compileDocument} for each of several documents of one site, in one activity (these stages
   * take milliseconds a document: one round trip for the batch, not one each). A document with bad
   * input is that document's outcome ({@link DocumentOutcome#failure}); anything else fails the
   * activity, which is retried whole (every document's work is idempotent).
   */
  List<DocumentOutcome> compileDocuments(List<DocumentRef> documents);

  /** {@link #extractDocument} for each of several documents, as {@link #compileDocuments}. */
  List<DocumentOutcome> extractDocuments(List<DocumentRef> documents);

  /**
   * Writes the site's publishable bundle to {@code DEPLOY_DIR/{subdomain}/}, atomically replacing the
   * previous one, and marks every document in it deployed.
   */
  StageCounters deploySite(String subdomain);
}
