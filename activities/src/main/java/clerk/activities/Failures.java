package clerk.activities;

import clerk.activities.storage.InvalidNameException;
import clerk.workflows.SitePipelineWorkflowImpl;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * How activity errors reach Temporal: bad input is final for the document (and benign: no stack trace
 * in the log); an unreachable database or storage is {@code Unavailable}, which the pipeline waits
 * out; anything else retries.
 */
final class Failures {
  private Failures() {}

  interface Body<T> {
    T run() throws IOException;
  }

  static <T> T badInputIsFinal(Body<T> body) {
    try {
      return body.run();
    } catch (BadDocumentException | InvalidNameException e) {
      // Benign: an expected outcome, which the SDK logs at DEBUG instead of a WARN with a stack trace
      // (ActivityTaskExecutors); the workflow logs it once with site, document, stage and reason.
      throw ApplicationFailure.newBuilder()
          .setMessage(e.getMessage())
          .setType(SitePipelineWorkflowImpl.BAD_DOCUMENT)
          .setNonRetryable(true)
          .setCause(e)
          .setCategory(ApplicationErrorCategory.BENIGN)
          .build();
    } catch (UnavailableException e) {
      throw ApplicationFailure.newFailureWithCause(
          e.getMessage(), SitePipelineWorkflowImpl.UNAVAILABLE, e);
    } catch (IOException | RuntimeException e) {
      if (UnavailableException.isDatabaseUnreachable(e)) {
        throw ApplicationFailure.newFailureWithCause(
            "database unavailable: " + e.getMessage(), SitePipelineWorkflowImpl.UNAVAILABLE, e);
      }
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }
}
