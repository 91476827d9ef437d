package clerk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import clerk.activities.sample.SampleSites;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI against a real embedded PostgreSQL in a temporary CLERK_HOME, no worker running. */
class ClerkCliTest {
  @TempDir static Path home;

  @BeforeAll
  static void home() throws Exception {
    System.setProperty("CLERK_HOME", home.toString());
    try (ServerSocket s = new ServerSocket(0)) {
      System.setProperty("CLERK_EMBEDDED_DATABASE_PORT", String.valueOf(s.getLocalPort()));
    }
  }

  @AfterAll
  static void clear() {
    System.clearProperty("CLERK_HOME");
    System.clearProperty("CLERK_EMBEDDED_DATABASE_PORT");
  }

  record Run(int exit, String out, String err) {}

  static Run clerk(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      return new Run(ClerkCli.execute(args), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void everyCommandHasHelp() {
    for (List<String> command : List.<List<String>>of(List.of(),
        List.of("sites", "add"), List.of("sites", "import"), List.of("start"), List.of("status"),
        List.of("db", "upgrade"), List.of("reconcile-pipeline"), List.of("migrate-stuck-sites"),
        List.of("schedule"), List.of("schedule", "show"), List.of("schedule", "pause"))) {
      List<String> args = new ArrayList<>(command);
      args.add("--help");
      Run run = clerk(args.toArray(String[]::new));
      assertThat(run.exit()).as(String.join(" ", command)).isZero();
      assertThat(run.out()).contains("Usage: clerk");
    }
  }

  @Test
  void bareClerkIsAUsageErrorWithTheUsageOnStderr() {
    Run run = clerk();
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("Usage: clerk").contains("Commands:");
    Run group = clerk("sites");
    assertThat(group.exit()).as("a group without its subcommand").isEqualTo(2);
    assertThat(group.err()).contains("Usage: clerk sites");
  }

  @Test
  void everyDescriptionIsWrappedByPicocliAndEverySummaryIsAWholeSentence() {
    List<CommandLine> commands = new ArrayList<>();
    collect(ClerkCli.commandLine(), commands);
    for (CommandLine command : commands) {
      String name = command.getCommandSpec().qualifiedName();
      String[] description = command.getCommandSpec().usageMessage().description();
      assertThat(description).as(name).isNotEmpty();
      // Each element is a paragraph picocli wraps; a hand-wrapped line would end mid-sentence.
      for (String paragraph : description) {
        assertThat(paragraph.replaceAll("(%n)+$", "")).as(name + ": " + paragraph).endsWith(".");
      }
      for (CommandLine.Model.ArgSpec arg : command.getCommandSpec().args()) {
        assertThat(arg.description()).as(name + " " + arg.paramLabel()).hasSizeLessThanOrEqualTo(1);
      }
    }
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
  }

  @Test
  void theHelpFitsItsWidthAndTheEnvironmentTableKeepsItsColumns() {
    Run help = clerk("--help");
    assertThat(help.exit()).isZero();
    List<String> lines = help.out().lines().toList();
    assertThat(lines).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
    int start = lines.indexOf("Environment:");
    assertThat(start).isPositive();
    int end = start + 1;
    while (end < lines.size() && !lines.get(end).isEmpty()) {
      end++;
    }
    List<String> environment = lines.subList(start + 1, end);
    assertThat(environment).hasSizeGreaterThan(5).allSatisfy(line -> assertThat(line).startsWith("  "));
    // A wrapped description continues in its column, not under the names.
    assertThat(environment).anySatisfy(line -> assertThat(line).startsWith(" ".repeat(27)));
    assertThat(help.out()).contains("  CLERK_HOME ").contains("Exit codes: 0 ok");
  }

  @Test
  void completionPrintsPicocliScriptsForBashAndZsh() {
    Run bash = clerk("completion", "bash");
    assertThat(bash.exit()).isZero();
    assertThat(bash.out()).contains("complete -F _complete_clerk").contains("reconcile-pipeline")
        .contains("--dry-run");
    Run zsh = clerk("completion", "zsh");
    assertThat(zsh.exit()).isZero();
    assertThat(zsh.out()).contains("bashcompinit");
    assertThat(clerk("completion", "fish").exit()).isEqualTo(2);
  }

  @Test
  void aCommandWhileTheWorkerIsStartingSaysSoInOneLineAndExitsThree() throws Exception {
    // A starting worker holds its embedded PostgreSQL's data directory and has not written worker.json.
    try (FileChannel channel = FileChannel.open(home.resolve("postgres.lock"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = channel.lock()) {
      Run run = clerk("status");
      assertThat(run.exit()).isEqualTo(3);
      assertThat(run.err().lines()).singleElement().asString()
          .startsWith("clerk: ").contains("still starting");
    }
  }

  @Test
  void theLoggingConfigurationLoadsWithoutErrors() throws Exception {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(ClerkCliTest.class.getResource("/logback.xml"));
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .noneMatch(status -> status.getEffectiveLevel() >= Status.ERROR);
  }

  @Test
  void commandsLogWarningsOnlyEachLineDated() throws Exception {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(ClerkCliTest.class.getResource("/logback.xml"));
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).as("no INFO lines from commands (the worker raises it)")
        .isEqualTo(ch.qos.logback.classic.Level.WARN);
    var appender = (ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>)
        root.getAppender("STDERR");
    var event = new ch.qos.logback.classic.spi.LoggingEvent("test", root, ch.qos.logback.classic.Level.WARN,
        "disk full", null, null);
    String line = new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
    assertThat(line).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} WARN .* - disk full\\R");
  }

  @Test
  void theTemporalLoggersQuietedNameClassesOfTheSdkInUse() throws Exception {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(ClerkCliTest.class.getResource("/logback.xml"));
    List<String> configured = context.getLoggerList().stream()
        .filter(logger -> logger.getLevel() != null && logger.getName().startsWith("io.temporal"))
        .map(ch.qos.logback.classic.Logger::getName).toList();
    // A renamed SDK class would leave its logger loud again (io.temporal.internal.worker.Poller did).
    assertThat(configured).isNotEmpty().allSatisfy(name -> assertThat(Class.forName(name)).isNotNull());
  }

  @Test
  void invalidInputAndUsageErrorsHaveTheirExitCodes() {
    assertThat(clerk("sites", "add", "../etc").exit()).isEqualTo(4);
    assertThat(clerk("status", "Not A Site").exit()).isEqualTo(4);
    assertThat(clerk("no-such-command").exit()).isEqualTo(2);
  }

  @Test
  void startWithoutAWorkerOrTemporalSaysSo() {
    assertThat(clerk("start", "--all").exit()).isEqualTo(3);
    assertThat(clerk("reconcile-pipeline", "--dry-run").exit()).isEqualTo(3);
    assertThat(clerk("schedule", "show").exit()).isEqualTo(3);
  }

  @Test
  void migrateStuckSitesSetsDocumentCountersFromDiskAndADryRunWritesNothing() throws Exception {
    String site = "springfield.il.us";
    List<clerk.activities.sample.SampleDocument> docs =
        SampleSites.generate(home.resolve("storage"), List.of(site));
    // The old system OCRed two documents (pages on disk: a document counts once however many pages).
    for (clerk.activities.sample.SampleDocument d : docs.subList(0, 2)) {
      Path txt = home.resolve("storage").resolve(site)
          .resolve(d.kind().equals("agendas") ? "_agendas/txt" : "txt").resolve(d.meeting()).resolve(d.date());
      java.nio.file.Files.createDirectories(txt);
      java.nio.file.Files.writeString(txt.resolve("page-1.txt"), "one");
      java.nio.file.Files.writeString(txt.resolve("page-2.txt"), "two");
    }

    Run dry = clerk("migrate-stuck-sites", "--dry-run");
    assertThat(dry.exit()).isZero();
    assertThat(dry.out()).contains("DRY RUN MODE - no changes will be made")
        .contains("  " + site + ": 2/7 completed, 0 failed  [stage ocr]")
        .containsPattern("Would migrate \\d+ sites?\n");
    assertThat(clerk("status", site).exit()).as("not registered by a dry run").isEqualTo(4);

    Run real = clerk("migrate-stuck-sites");
    assertThat(real.exit()).isZero();
    assertThat(real.out()).contains("  " + site + ": 2/7 completed, 0 failed  [stage ocr]")
        .contains("No worker is running: when one starts, its start-up reconciliation starts the pipeline");
    Run status = clerk("status", site, "--json");
    assertThat(status.out()).contains("\"current_stage\" : \"ocr\"").contains("\"ocr_completed\" : 2");
    assertThat(clerk("migrate-stuck-sites").out()).as("idempotent")
        .contains("  " + site + ": 2/7 completed, 0 failed  [stage ocr]");
  }

  @Test
  void importRegistersSitesWithCountersFromDisk() throws Exception {
    SampleSites.generate(home.resolve("storage"), List.of("alameda.ca.us"));
    java.nio.file.Path stray = home.resolve("storage/alameda.ca.us/pdfs/CityCouncil/2024-05-01.PDF");
    java.nio.file.Files.writeString(stray, "%PDF-1.4");
    assertThat(clerk("db", "upgrade").exit()).isZero();
    Run imported = clerk("sites", "import");
    assertThat(imported.exit()).isZero();
    assertThat(imported.out()).contains("  alameda.ca.us: 0/7 completed, 0 failed  [stage ocr]")
        .contains("      problem: " + stray + ": the extension must be lowercase .pdf")
        .contains("Migrated 1 site\n").doesNotContain("1 sites");

    Run status = clerk("status", "--json");
    assertThat(status.exit()).isZero();
    JsonNode sites = new ObjectMapper().readTree(status.out());
    assertThat(sites.toString()).contains("alameda.ca.us");
    assertThat(status.out()).contains("\"ocr_total\" : 7").containsPattern("\"ocr_completed\" : 0");
  }

  @Test
  void aWrongSettingIsOneLineNamingTheVariableAndTheExpectedFormAndExitsFour() {
    for (String[] wrong : List.of(
        new String[] {"CLERK_STALE_THRESHOLD", "abc", "expected a duration (2h, 1h30m, PT1H30M)"},
        new String[] {"CLERK_OCR_SLOTS", "x", "expected a whole number, at least 1"})) {
      System.setProperty(wrong[0], wrong[1]);
      try {
        Run run = clerk("status");
        assertThat(run.exit()).as(wrong[0]).isEqualTo(4);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("clerk: " + wrong[0] + "=" + wrong[1] + ": " + wrong[2] + System.lineSeparator());
      } finally {
        System.clearProperty(wrong[0]);
      }
    }
  }
}
