package clerk.activities.deploy;

import java.nio.file.Path;
import java.util.List;

/**
 * What a deploy published: documents in the bundle, their page rows (minutes and agendas together)
 * and the motions attached to those pages, the bundle's directory {@code DEPLOY_DIR/{subdomain}}, the
 * documents it had to leave out, and what this deploy changed: documents written and removed (an
 * unchanged site writes none).
 */
public record BundleSummary(int documents, int pages, int motions, Path dir, List<LeftOut> leftOut,
    int written, int removed) {
  public BundleSummary {
    leftOut = List.copyOf(leftOut);
  }

  /** A publishable document the bundle could not take, and why; only it is missing from the bundle. */
  public record LeftOut(String documentId, String reason) {}
}
