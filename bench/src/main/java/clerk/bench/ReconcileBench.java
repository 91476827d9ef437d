package clerk.bench;

import clerk.activities.db.Database;
import clerk.activities.deploy.SiteBundleWriter;
import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import clerk.client.ClerkSettings;
import clerk.worker.ClerkWorkerApplication;
import clerk.worker.EmbeddedServices;
import clerk.workflows.ReconciliationReport;
import clerk.workflows.ReconciliationRequest;
import clerk.workflows.ReconciliationWorkflow;
import com.zaxxer.hikari.HikariDataSource;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * bench/reconcile: one reconciliation run over many registered sites, as the 15-minute schedule runs
 * it. Builds N sites in a fresh CLERK_HOME (2 documents each, text on disk), imports them with the real
 * {@code clerk sites import}, marks them completed and published (a site.json with the right
 * fingerprint), starts a worker, then changes 100 sites on disk (a new PDF) and leaves 100 with work and
 * no pipeline, and times a dry and a real run beside {@code find STORAGE_DIR -type f | wc -l}, the
 * least any comparison with the disk must do. Also prints each run's history events and largest
 * payload, the import's time, one site's {@code clerk status} and a page of {@code /v1/dashboard}.
 *
 * <p>Usage: bench/reconcile/run [--sites 10000] [--changed 100] [--idle 100]
 */
public final class ReconcileBench {
  private static final int DOCUMENTS = 2;

  public static void main(String[] args) throws Exception {
    int sites = intArg(args, "--sites", 10_000);
    int changed = intArg(args, "--changed", 100);
    int idle = intArg(args, "--idle", 100);
    Path jar = Path.of("app/target/clerk.jar").toAbsolutePath();
    Path home = Files.createTempDirectory("clerk-reconcile-bench");
    Map<String, String> env = workerEnv(home);
    env.put("CLERK_HTTP_PORT", String.valueOf(freePort()));
    env.forEach(System::setProperty);
    ClerkSettings settings = ClerkSettings.fromEnvironment();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < sites; i++) {
      names.add(String.format("town%05d.example.org", i));
    }
    System.out.printf("clerk reconciliation benchmark: %d sites, %d documents each, %d changed, %d with work and"
        + " no pipeline, %d cores%n", sites, DOCUMENTS, changed, idle, Runtime.getRuntime().availableProcessors());

    long t = System.nanoTime();
    byte[] pdf = samplePdf(home);
    for (String site : names) {
      for (int d = 1; d <= DOCUMENTS; d++) {
        writeDocument(settings.storageDir(), site, "2024-01-0" + d, pdf);
      }
    }
    System.out.printf("storage generated in %.1f s%n", seconds(t));

    // clerk sites import, as an operator runs it on a new host (no worker yet: the database only).
    t = System.nanoTime();
    int importExit = clerk(env, jar, home.resolve("import.log"), "sites", "import");
    double importSeconds = seconds(t);
    if (importExit != 0) {
      throw new IllegalStateException("clerk sites import exited " + importExit + ": see " + home.resolve("import.log"));
    }
    completeAndPublish(settings, names);

    t = System.nanoTime();
    try (ClerkWorkerApplication.Running worker = ClerkWorkerApplication.start(settings)) {
      double startup = seconds(t);
      WorkflowClient client = worker.context().getBean(WorkflowClient.class);
      HikariDataSource db = worker.context().getBean(HikariDataSource.class);
      double startupRun = runSeconds(db, "startup");

      // The changes a real quarter of an hour brings.
      for (int i = 0; i < changed; i++) {
        writeDocument(settings.storageDir(), names.get(i * (sites / changed)), "2024-03-05", pdf);
      }
      try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
          "UPDATE documents SET deploy_status = 'pending' WHERE subdomain = ? AND document_id = 'minutes/CityCouncil/2024-01-01'");
          PreparedStatement stage = c.prepareStatement("UPDATE sites SET current_stage = 'deploy' WHERE subdomain = ?")) {
        for (int i = 0; i < idle; i++) {
          String site = names.get(i * (sites / idle) + sites / idle / 2);
          s.setString(1, site);
          s.executeUpdate();
          stage.setString(1, site);
          stage.executeUpdate();
        }
      }

      double[] find = new double[3];
      String files = "";
      for (int i = 0; i < find.length; i++) {
        long f = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-c", "find '" + settings.storageDir() + "' -type f | wc -l").start();
        files = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        waitFor(p);
        find[i] = seconds(f);
      }
      double findSeconds = median(find);

      Measured dry = reconcile(client, settings, true);
      Measured real = reconcile(client, settings, false);

      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + settings.httpPort();
      double[] dashboard = new double[5];
      int bytes = 0;
      for (int i = 0; i < dashboard.length; i++) {
        long d = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/dashboard?page=" + (i * 20)))
            .build(), HttpResponse.BodyHandlers.ofString());
        dashboard[i] = seconds(d);
        bytes = Math.max(bytes, r.body().getBytes(StandardCharsets.UTF_8).length);
      }
      double[] status = new double[3];
      for (int i = 0; i < status.length; i++) {
        long s = System.nanoTime();
        clerk(env, jar, home.resolve("status.log"), "status", names.get(sites / 2));
        status[i] = seconds(s);
      }

      System.out.println();
      System.out.printf("%-44s %10s%n", "measure", "value");
      System.out.printf("%-44s %9.2f s%n", "find STORAGE_DIR -type f | wc -l (" + files + " files)", findSeconds);
      System.out.printf("%-44s %9.2f s   ratio to find: %.1fx%n", "reconciliation, dry run", dry.seconds,
          dry.seconds / findSeconds);
      System.out.printf("%-44s %9.2f s   ratio to find: %.1fx%n", "reconciliation, real run", real.seconds,
          real.seconds / findSeconds);
      for (Measured m : List.of(dry, real)) {
        ReconciliationReport r = m.report;
        System.out.printf("  %s: %d compared, %d examined, %d repaired, %d signalled, %d restarted, %d errors;"
                + " %d workflow run(s), at most %d history events each, largest payload %d bytes%n",
            r.dryRun() ? "dry " : "real", r.scanned(), r.examined(), r.repaired(), r.signalled(), r.restarted(),
            r.errorCount(), m.runs, m.events, m.largestPayload);
      }
      System.out.printf("%-44s %9.2f s%n", "start-up reconciliation (all in step)", startupRun);
      System.out.printf("%-44s %9.2f s%n", "worker start, start-up reconciliation in", startup);
      System.out.printf("%-44s %9.2f s%n", "clerk sites import of " + sites + " sites", importSeconds);
      System.out.printf("%-44s %9.3f s   (median of 5, up to %d bytes)%n", "GET /v1/dashboard (a page of 100)",
          median(dashboard), bytes);
      System.out.printf("%-44s %9.2f s   (median of 3, JVM start included)%n", "clerk status SITE", median(status));
      System.out.println(real.seconds < 10 ? "target: real run under 10 s: reached"
          : "target: real run under 10 s: NOT reached");
    }
    deleteTree(home);
  }

  record Measured(double seconds, ReconciliationReport report, int runs, int events, int largestPayload) {}

  static Measured reconcile(WorkflowClient client, ClerkSettings settings, boolean dryRun) {
    String id = ReconciliationWorkflow.ID_PREFIX + "/bench-" + UUID.randomUUID();
    ReconciliationWorkflow workflow = client.newWorkflowStub(ReconciliationWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(settings.taskQueue()).setWorkflowId(id)
            .setWorkflowRunTimeout(settings.reconcileRunTimeout()).build());
    long t = System.nanoTime();
    ReconciliationReport report = workflow.run(new ReconciliationRequest("cli", 120, dryRun, null));
    double seconds = seconds(t);
    // The run and the runs it continued as new from: the longest history, the largest payload.
    int runs = 0;
    int longest = 0;
    int largest = 0;
    for (String runId = null; ; runs++) {
      List<HistoryEvent> events = (runId == null ? client.fetchHistory(id) : client.fetchHistory(id, runId)).getEvents();
      longest = Math.max(longest, events.size());
      for (HistoryEvent e : events) {
        for (Payloads p : payloads(e)) {
          for (Payload payload : p.getPayloadsList()) {
            largest = Math.max(largest, payload.getData().size());
          }
        }
      }
      runId = events.get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
      if (runId.isEmpty()) {
        break;
      }
    }
    return new Measured(seconds, report, runs + 1, longest, largest);
  }

  /** The payloads an event carries: workflow input and result, activity input and result. */
  static List<Payloads> payloads(HistoryEvent e) {
    List<Payloads> out = new ArrayList<>();
    if (e.hasWorkflowExecutionStartedEventAttributes()) {
      out.add(e.getWorkflowExecutionStartedEventAttributes().getInput());
    }
    if (e.hasWorkflowExecutionCompletedEventAttributes()) {
      out.add(e.getWorkflowExecutionCompletedEventAttributes().getResult());
    }
    if (e.hasActivityTaskScheduledEventAttributes()) {
      out.add(e.getActivityTaskScheduledEventAttributes().getInput());
    }
    if (e.hasActivityTaskCompletedEventAttributes()) {
      out.add(e.getActivityTaskCompletedEventAttributes().getResult());
    }
    return out;
  }

  /**
   * Every imported site as a finished pipeline leaves it: every stage completed, a page row per page,
   * the stage 'completed', and a bundle whose site.json carries the database's fingerprint (an empty
   * meetings.db stands in for the SQLite file: reconciliation reads site.json only).
   */
  static void completeAndPublish(ClerkSettings settings, List<String> names) throws Exception {
    long t = System.nanoTime();
    try (EmbeddedServices services = EmbeddedServices.start(settings, true, false);
        HikariDataSource db = Database.connect(services.settings().databaseUrl(), services.settings().databaseUser(),
            services.settings().databasePassword(), 2);
        Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("UPDATE documents SET compilation_status = 'completed', extraction_status = 'completed',"
          + " deploy_status = 'completed'");
      s.execute("INSERT INTO pages (subdomain, document_id, kind, meeting, date, page, text) SELECT subdomain,"
          + " document_id, kind, meeting, date, 1, 'minutes' FROM documents");
      s.execute("UPDATE sites SET current_stage = 'completed', completed_at = now()");
      for (int i = 0; i < names.size(); i += 1000) {
        Map<String, String> fingerprints =
            SiteBundleWriter.fingerprints(c, names.subList(i, Math.min(names.size(), i + 1000)));
        for (Map.Entry<String, String> f : fingerprints.entrySet()) {
          Path bundle = settings.deployDir().resolve(f.getKey());
          Files.createDirectories(bundle);
          Files.writeString(bundle.resolve("meetings.db"), "");
          Files.writeString(bundle.resolve("site.json"), "{\"fingerprint\": \"" + f.getValue() + "\"}\n");
        }
      }
    }
    System.out.printf("sites marked completed and published in %.1f s%n", seconds(t));
  }

  static byte[] samplePdf(Path home) throws IOException {
    Path file = home.resolve("sample.pdf");
    SamplePdfs.write(file, List.of(new SamplePage(Style.DIGITAL, List.of("CITY COUNCIL MINUTES",
        "Moved by Councilmember Ash, seconded by Councilmember Birch. Carried."))), 1);
    byte[] bytes = Files.readAllBytes(file);
    Files.delete(file);
    return bytes;
  }

  static void writeDocument(Path storage, String site, String date, byte[] pdf) throws IOException {
    Path pdfs = storage.resolve(site).resolve("pdfs/CityCouncil");
    Files.createDirectories(pdfs);
    Files.write(pdfs.resolve(date + ".pdf"), pdf);
    Path txt = storage.resolve(site).resolve("txt/CityCouncil").resolve(date);
    Files.createDirectories(txt);
    Files.writeString(txt.resolve("page-1.txt"), "CITY COUNCIL MINUTES\nMoved by Councilmember Ash. Carried.\n");
  }

  static double runSeconds(HikariDataSource db, String trigger) throws Exception {
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        var r = s.executeQuery("SELECT extract(epoch FROM finished_at - started_at) FROM reconciliation_runs"
            + " WHERE trigger = '" + trigger + "' ORDER BY id DESC LIMIT 1")) {
      return r.next() ? r.getDouble(1) : Double.NaN;
    }
  }

  /** The real CLI, as an operator runs it: its own JVM, the settings in its environment. */
  static int clerk(Map<String, String> env, Path jar, Path log, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", jar.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    return waitFor(builder.start());
  }

  static int waitFor(Process p) throws InterruptedException {
    return p.waitFor();
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }

  /**
   * The environment of a worker of its own for a benchmark: its home, free ports for the embedded
   * PostgreSQL and Temporal, any HTTP port, no scheduled reconciliation. Mutable, for the rest.
   */
  static Map<String, String> workerEnv(Path home) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("CLERK_HOME", home.toString());
    env.put("CLERK_EMBEDDED_DATABASE_PORT", String.valueOf(freePort()));
    env.put("CLERK_EMBEDDED_TEMPORAL_PORT", String.valueOf(freePort()));
    env.put("CLERK_HTTP_PORT", "0");
    env.put("CLERK_RECONCILE_INTERVAL", "off");
    return env;
  }

  static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
