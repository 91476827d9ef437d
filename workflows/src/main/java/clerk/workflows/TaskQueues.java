package clerk.workflows;

/** Task queue names shared by the worker and the clients that start workflows. */
public final class TaskQueues {
  /** Site workflows and the light database/filesystem activities. */
  public static final String PIPELINE = "clerk-pipeline";

  /** CPU-heavy OCR activities, on their own queue so they can scale on other machines. */
  public static final String OCR = "clerk-ocr";

  private TaskQueues() {}
}
