package clerk.activities.deploy;

/**
 * Told after each batch of documents a deploy wrote, so the deploy activity can heartbeat with its
 * progress; throwing stops the deploy (its committed batches stay, and the next attempt goes on from them).
 */
@FunctionalInterface
public interface DeployProgress {
  DeployProgress NONE = (written, toWrite) -> {};

  void written(int documents, int ofDocuments);
}
