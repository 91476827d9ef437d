package clerk.workflows;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Page images of the published sites, rendered beside their bundles, apart from the pipeline. */
@ActivityInterface
public interface PageImageActivities {
  /**
   * Published documents whose page images are missing or were rendered from another PDF, at most
   * {@code limit}, oldest change first. A document whose images could not be rendered is not listed
   * again until its PDF changes.
   */
  List<DocumentRef> documentsWithoutImages(int limit);

  /**
   * Renders the document's pages into its site's bundle folder and records which PDF they come from;
   * returns the pages rendered. CPU work: runs on the OCR task queue.
   */
  int renderPageImages(DocumentRef document);
}
