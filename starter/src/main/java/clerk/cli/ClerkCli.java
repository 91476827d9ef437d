package clerk.cli;

import clerk.client.ClerkSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code clerk}: the command-line tool's light commands, which talk to PostgreSQL, Temporal or a
 * running worker and start no Spring context. {@code worker} and {@code demo}, which run a worker, are
 * added by {@code ClerkMain} in the app module.
 */
@Command(
    name = "clerk",
    mixinStandardHelpOptions = true,
    version = "clerk 0.1.0",
    description = "Civic meeting PDFs through OCR, compilation, extraction and deploy, on Temporal.",
    subcommands = {
      SitesCommand.class,
      StartCommand.class,
      WatchCommand.class,
      RetryCommand.class,
      StatusCommand.class,
      HealthCommand.class,
      ReconcileCommand.class,
      MigrateCommand.class,
      ScheduleCommand.class,
      SearchCommand.class,
      BuildFullDbCommand.class,
      ClerkCli.DbCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%n",
    footer = "Exit codes: 0 ok, 1 finished with failures, 2 usage error, 3 a service cannot be reached,"
        + " 4 invalid input. Every setting: docs/configuration.md.")
public final class ClerkCli implements Callable<Integer> {
  static final String ENVIRONMENT_SECTION = "environment";
  /** The settings an operator reaches for first, shown by {@code clerk --help}. */
  private static final List<String[]> ENVIRONMENT = List.of(
      new String[] {"CLERK_HOME", "state of the embedded services, default place of the rest (./.clerk)"},
      new String[] {"STORAGE_DIR", "site folders: {subdomain}/pdfs/{meeting}/{date}.pdf ($CLERK_HOME/storage)"},
      new String[] {"DEPLOY_DIR", "published bundles ($CLERK_HOME/deploy)"},
      new String[] {"CLERK_DATABASE_URL", "jdbc:postgresql://… (unset: embedded PostgreSQL)"},
      new String[] {"TEMPORAL_ADDRESS", "host:port of a Temporal server (unset: embedded server on 127.0.0.1:7233)"},
      new String[] {"TEMPORAL_TLS_CERT", "mTLS to TEMPORAL_ADDRESS: client certificate chain (PEM), with TEMPORAL_TLS_KEY"
          + " (its key) and TEMPORAL_TLS_CA (the server's CA)"},
      new String[] {"TEMPORAL_API_KEY", "API key for TEMPORAL_ADDRESS (implies TLS)"},
      new String[] {"TEMPORAL_NAMESPACE", "Temporal namespace (default)"},
      new String[] {"CLERK_RECONCILE_INTERVAL", "reconciliation schedule (15m)"},
      new String[] {"CLERK_STALE_THRESHOLD", "a site with no progress for this long is stuck (2h)"},
      new String[] {"CLERK_LOG_FORMAT", "json: the worker logs one JSON object a line, ECS (text)"});

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Bare {@code clerk}: a usage error, so a script that forgot its subcommand does not pass. */
  @Override
  public Integer call() {
    return groupUsage(spec);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /**
   * The command line with its help sections and error handling, as {@link #execute} runs it, with
   * {@code more} subcommands (added first: the settings below apply to the subcommands there are).
   */
  public static CommandLine commandLine(Object... more) {
    CommandLine cli = new CommandLine(new ClerkCli());
    for (Object command : more) {
      cli.addSubcommand(command);
    }
    cli.setUsageHelpAutoWidth(true); // picocli wraps every text to the terminal
    cli.getHelpSectionMap().put(ENVIRONMENT_SECTION, ClerkCli::environment);
    List<String> sections = new ArrayList<>(cli.getHelpSectionKeys());
    sections.add(sections.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER_HEADING), ENVIRONMENT_SECTION);
    cli.setHelpSectionKeys(sections);
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
    return cli;
  }

  /** The environment section: a two-column table picocli wraps, continuation lines in their column. */
  private static String environment(CommandLine.Help help) {
    if (help.commandSpec().parent() != null) {
      return "";
    }
    int width = help.commandSpec().usageMessage().width();
    int names = 27;
    CommandLine.Help.TextTable table = CommandLine.Help.TextTable.forColumns(help.colorScheme(),
        new CommandLine.Help.Column(names, 2, CommandLine.Help.Column.Overflow.SPAN),
        new CommandLine.Help.Column(width - names, 0, CommandLine.Help.Column.Overflow.WRAP));
    ENVIRONMENT.forEach(row -> table.addRowValues(row));
    return help.createHeading("%nEnvironment:%n") + table;
  }

  /** Groups of subcommands ({@code clerk sites}, {@code clerk db}) without one: usage to stderr, exit 2. */
  static int groupUsage(CommandLine.Model.CommandSpec spec) {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  static ClerkSettings settings() {
    return ClerkSettings.fromEnvironment();
  }

  @Command(
      name = "db",
      mixinStandardHelpOptions = true,
      description = "Database schema.",
      subcommands = {DbCommand.Upgrade.class})
  static final class DbCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return groupUsage(spec);
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
