package clerk.cli;

/** A failure the CLI reports as one line and an exit code, without a stack trace. */
final class CliException extends RuntimeException {
  final int exitCode;

  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }
}
