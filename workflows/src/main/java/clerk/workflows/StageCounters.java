package clerk.workflows;

/** Document counts of one stage of one site. A stage is finished when completed + failed == total. */
public record StageCounters(Stage stage, int total, int completed, int failed) {
  public boolean finished() {
    return completed + failed >= total;
  }

  public int remaining() {
    return Math.max(0, total - completed - failed);
  }

  public StageCounters plus(boolean succeeded) {
    return succeeded
        ? new StageCounters(stage, total, completed + 1, failed)
        : new StageCounters(stage, total, completed, failed + 1);
  }

  @Override
  public String toString() {
    return stage.dbName() + " " + completed + "/" + total + " completed, " + failed + " failed";
  }
}
