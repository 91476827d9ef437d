package clerk.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * How the site pipeline and its document batches call activities: one place for the options (time
 * outs, retries, queues) and for reading a failure.
 */
final class PipelineActivities {
  private PipelineActivities() {}

  /** Bookkeeping must eventually succeed: a database outage is not a document's fault. */
  static final ActivityOptions SITE = ActivityOptions.newBuilder()
      // beginStage walks and compares a whole site: large ones take minutes, and heartbeat meanwhile.
      .setStartToCloseTimeout(Duration.ofMinutes(30))
      .setHeartbeatTimeout(Duration.ofMinutes(2))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofMinutes(1))
          .build())
      .build();

  /**
   * The gate a stage waits at while the database or the storage is unreachable: one activity whose
   * retries the server runs, 10 s doubling to 5 minutes, however long the outage lasts. It costs no
   * history while it waits.
   */
  static final ActivityOptions GATE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(10))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(5))
          .build())
      .build();

  static final ActivityOptions OCR = ActivityOptions.newBuilder()
      .setTaskQueue(TaskQueues.OCR)
      .setStartToCloseTimeout(Duration.ofHours(2))
      // OCR heartbeats every few seconds, also while Tesseract reads a page: a dead worker is
      // noticed within this, independently of CLERK_OCR_PAGE_TIMEOUT.
      .setHeartbeatTimeout(Duration.ofSeconds(30))
      .setRetryOptions(documentRetries(4))
      .build();

  static final ActivityOptions DOCUMENT = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(10))
      .setRetryOptions(documentRetries(5))
      .build();

  /**
   * Deploy brings a site's bundle in step with the database, writing only what changed; a large site's
   * first deploy writes every page, for minutes. It heartbeats after every batch (and from a thread
   * meanwhile), and a retry goes on from the batches the last attempt committed.
   */
  static final ActivityOptions DEPLOY = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(2))
      .setHeartbeatTimeout(Duration.ofMinutes(1))
      .setRetryOptions(documentRetries(5))
      .build();

  /**
   * A batch of documents through a cheap stage in one activity. Retried once: a document that keeps
   * failing makes the batch run its documents one by one, where its own retries and failure stay its own.
   */
  static final ActivityOptions DOCUMENTS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(30))
      .setRetryOptions(documentRetries(2))
      .build();

  static RetryOptions documentRetries(int attempts) {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofSeconds(2))
        .setBackoffCoefficient(2.0)
        .setMaximumInterval(Duration.ofMinutes(2))
        .setMaximumAttempts(attempts)
        .setDoNotRetry(SitePipelineWorkflowImpl.BAD_DOCUMENT)
        .build();
  }

  static SiteActivities site() {
    return Workflow.newActivityStub(SiteActivities.class, SITE);
  }

  /** Whether the activity failed because the database or the storage could not be reached. */
  static boolean unavailable(ActivityFailure failure) {
    return failure.getCause() instanceof ApplicationFailure app
        && SitePipelineWorkflowImpl.UNAVAILABLE.equals(app.getType());
  }

  /** The operator-readable reason of a failed activity: the error's own message, or the timeout. */
  static String reason(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    if (cause instanceof TimeoutFailure timeout) {
      return "timed out (" + timeout.getTimeoutType().name().replace("TIMEOUT_TYPE_", "").toLowerCase()
          + ") on every attempt";
    }
    return cause == null ? failure.getMessage() : cause.getMessage();
  }
}
