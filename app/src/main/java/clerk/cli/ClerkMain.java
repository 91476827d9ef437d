package clerk.cli;

import picocli.CommandLine;

/**
 * The {@code clerk} command as shipped: the light commands of {@link ClerkCli} (starter module, no
 * Spring) plus {@code demo} and {@code worker}, which start the Spring Boot worker.
 */
public final class ClerkMain {
  private ClerkMain() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    return ClerkCli.commandLine(new DemoCommand(), new WorkerCommand());
  }
}
