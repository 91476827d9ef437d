package clerk.activities.deploy;

import java.nio.file.Path;
import java.util.List;

/**
 * What a deploy published: documents included, page rows written (minutes and agendas together),
 * motions attached to those pages, the bundle's final directory {@code DEPLOY_DIR/{subdomain}}, and
 * the documents it had to leave out.
 */
public record BundleSummary(int documents, int pages, int motions, Path dir, List<LeftOut> leftOut) {
  public BundleSummary {
    leftOut = List.copyOf(leftOut);
  }

  /** A publishable document the bundle could not take, and why; only it is missing from the bundle. */
  public record LeftOut(String documentId, String reason) {}
}
