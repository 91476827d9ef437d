package clerk.activities;

import clerk.activities.storage.InvalidNameException;
import clerk.workflows.SitePipelineWorkflowImpl;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;

/** How activity errors reach Temporal: bad input is final for the document, anything else retries. */
final class Failures {
  private Failures() {}

  interface Body<T> {
    T run() throws IOException;
  }

  static <T> T badInputIsFinal(Body<T> body) {
    try {
      return body.run();
    } catch (BadDocumentException | InvalidNameException e) {
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          e.getMessage(), SitePipelineWorkflowImpl.BAD_DOCUMENT, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
