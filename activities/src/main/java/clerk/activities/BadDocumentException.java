package clerk.activities;

import java.nio.file.Path;

/**
 * A document that cannot be processed whatever we retry: corrupt, encrypted, empty, not a PDF, a bad
 * name. The message names the file and says what is wrong, for the operator. Activities turn it into
 * a non-retryable failure of that one document; the site and the worker go on.
 */
public class BadDocumentException extends RuntimeException {
  public BadDocumentException(Path file, String problem) {
    this(file, problem, null);
  }

  public BadDocumentException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }

  public BadDocumentException(String message) {
    super(message);
  }
}
