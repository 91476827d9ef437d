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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  record Run(int exit, String out) {}

  static Run clerk(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      return new Run(ClerkCli.execute(args), out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void everyCommandHasHelp() {
    for (List<String> command : List.<List<String>>of(List.of(), List.of("demo"), List.of("worker"),
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
  void theLoggingConfigurationLoadsWithoutErrors() throws Exception {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(ClerkCliTest.class.getResource("/logback.xml"));
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .noneMatch(status -> status.getEffectiveLevel() >= Status.ERROR);
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
        .containsPattern("Would migrate \\d+ sites");
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
        .contains("Migrated 1 sites");

    Run status = clerk("status", "--json");
    assertThat(status.exit()).isZero();
    JsonNode sites = new ObjectMapper().readTree(status.out());
    assertThat(sites.toString()).contains("alameda.ca.us");
    assertThat(status.out()).contains("\"ocr_total\" : 7").containsPattern("\"ocr_completed\" : 0");
  }
}
