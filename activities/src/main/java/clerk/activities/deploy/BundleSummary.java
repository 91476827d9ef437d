package clerk.activities.deploy;

import java.nio.file.Path;

/**
 * What a deploy published: documents included, page rows written (minutes and agendas together),
 * motions attached to those pages, and the bundle's final directory {@code DEPLOY_DIR/{subdomain}}.
 */
public record BundleSummary(int documents, int pages, int motions, Path dir) {}
