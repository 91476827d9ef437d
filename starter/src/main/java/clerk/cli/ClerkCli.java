package clerk.cli;

import clerk.worker.ClerkSettings;
import clerk.worker.ClerkWorkerApplication;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code clerk}: the command-line tool. */
@Command(
    name = "clerk",
    mixinStandardHelpOptions = true,
    version = "clerk 0.1.0",
    description = "Civic meeting PDFs through OCR, compilation, extraction and deploy, on Temporal.",
    subcommands = {
      DemoCommand.class,
      ClerkCli.WorkerCommand.class,
      SitesCommand.class,
      StartCommand.class,
      RetryCommand.class,
      StatusCommand.class,
      HealthCommand.class,
      ReconcileCommand.class,
      MigrateCommand.class,
      ScheduleCommand.class,
      SearchCommand.class,
      BuildFullDbCommand.class,
      ClerkCli.DbCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nEnvironment:%n",
    footer = {
      "  CLERK_HOME            state of the embedded services and defaults (./.clerk)",
      "  STORAGE_DIR           site folders: {subdomain}/pdfs/{meeting}/{date}.pdf ($CLERK_HOME/storage)",
      "  DEPLOY_DIR            published bundles ($CLERK_HOME/deploy)",
      "  CLERK_DATABASE_URL    jdbc:postgresql://… (unset: embedded PostgreSQL)",
      "  TEMPORAL_ADDRESS      host:port of a Temporal server (unset: embedded server on 127.0.0.1:7233)",
      "  TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY, TEMPORAL_TLS_CA, TEMPORAL_API_KEY  mTLS / API key for TEMPORAL_ADDRESS",
      "  TEMPORAL_NAMESPACE    (default)",
      "  CLERK_RECONCILE_INTERVAL  reconciliation schedule (15m); CLERK_STALE_THRESHOLD stuck after (2h)",
      "%nExit codes: 0 ok, 1 finished with failures, 2 usage error, 3 a service cannot be reached,",
      "4 invalid input."
    })
public final class ClerkCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new ClerkCli());
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      if (e instanceof CliException c) {
        commandLine.getErr().println("clerk: " + c.getMessage());
        return c.exitCode;
      }
      if (e instanceof IllegalArgumentException) {
        commandLine.getErr().println("clerk: " + e.getMessage());
        return 4;
      }
      throw e;
    });
    return cli.execute(args);
  }

  static ClerkSettings settings() {
    return ClerkSettings.fromEnvironment();
  }

  @Command(
      name = "worker",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the worker: the Temporal workers of the site pipelines and of OCR.",
        "Starts embedded PostgreSQL and Temporal when CLERK_DATABASE_URL / TEMPORAL_ADDRESS are unset."
      })
  static final class WorkerCommand implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
      ClerkWorkerApplication.Running worker = ClerkWorkerApplication.start(settings());
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        worker.close();
        stopped.countDown();
      }, "clerk-shutdown"));
      stopped.await();
      return 0;
    }
  }

  @Command(
      name = "db",
      mixinStandardHelpOptions = true,
      description = "Database schema.",
      subcommands = {DbCommand.Upgrade.class})
  static final class DbCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }

    @Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = "Applies pending schema migrations (the worker also does this at start-up).")
    static final class Upgrade implements Callable<Integer> {
      @Override
      public Integer call() {
        try (Services services = new Services(settings())) {
          var result = clerk.activities.db.Database.migrate(services.repository().dataSource());
          System.out.println("schema at version " + (result.targetSchemaVersion == null
              ? result.initialSchemaVersion : result.targetSchemaVersion)
              + ", " + result.migrationsExecuted + " migrations applied");
          return 0;
        }
      }
    }
  }
}
