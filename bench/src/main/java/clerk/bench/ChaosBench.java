package clerk.bench;

import clerk.activities.db.Database;
import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.deploy.SiteBundleWriter;
import clerk.activities.sample.SampleDocument;
import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import clerk.activities.sample.SampleSites;
import clerk.activities.storage.SiteStorage;
import clerk.activities.storage.SiteSurvey;
import clerk.client.ClerkSettings;
import clerk.client.EmbeddedDatabase;
import clerk.client.PasswordFile;
import clerk.client.RuntimeFile;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * bench/chaos: a 200-document workload over 8 sites (born-digital and scanned pages, a corrupt PDF per
 * site) on a worker in its own JVM, with the embedded PostgreSQL and Temporal, reconciling every
 * minute; four new documents arrive at a site before every other restart (a living site: there is
 * work in every stage all along). The worker is SIGKILLed at random moments (some during its start-up reconciliation, some
 * while a reconciliation run acts, the rest anywhere in the pipeline), its PostgreSQL is frozen for a
 * minute once; then a worker runs to the end and every site is checked: counters = documents table =
 * disk = bundle, no partial folder, nothing counted twice, every failure with its reason, exactly the
 * corrupt PDFs failed. Prints the kills, where they landed, and every problem found.
 *
 * <p>Usage: bench/chaos/run [--kills 24] [--seed 1]
 */
public final class ChaosBench {
  static final int SITES = 8;
  static final int EXTRA_PER_SITE = 18;

  public static void main(String[] args) throws Exception {
    int kills = ReconcileBench.intArg(args, "--kills", 24);
    Random random = new Random(ReconcileBench.intArg(args, "--seed", 1));
    Path home = Files.createTempDirectory("clerk-chaos");
    Map<String, String> env = ReconcileBench.workerEnv(home);
    env.put("CLERK_RECONCILE_INTERVAL", "1m");
    env.put("CLERK_STALE_THRESHOLD", "5m");
    env.put("OMP_THREAD_LIMIT", "1");
    ClerkSettings settings = ClerkSettings.from(env);
    List<SampleDocument> samples = workload(settings.storageDir(), random);
    long corrupt = samples.stream().filter(SampleDocument::corrupt).count();
    System.out.printf("clerk chaos run: %d documents (%d corrupt) over %d sites, %d kills, seed in %s%n",
        samples.size(), corrupt, SITES, kills, home);
    Path jar = Path.of("app/target/clerk.jar").toAbsolutePath();

    Map<String, Integer> landed = new TreeMap<>();
    boolean frozen = false;
    for (int k = 1; k <= kills; k++) {
      // A living workload: new meetings arrive while the worker is down (every other kill), so that
      // kills keep landing in every stage instead of on finished sites.
      String arrived = k > 1 && k % 2 == 0 ? " (" + arrive(settings.storageDir(), random, k, samples) + ")" : "";
      Process worker = startWorker(env, home.resolve("worker-" + k + ".log"));
      try {
        String where;
        if (k == 1) {
          awaitReady(settings, worker);
          // Register every site and start its pipeline, as an operator would.
          int exit = clerk(env, jar, home.resolve("import.log"), "sites", "import");
          if (exit != 0) {
            throw new IllegalStateException("clerk sites import exited " + exit);
          }
          Thread.sleep(2000 + random.nextInt(8000));
          where = stages(settings);
        } else if (k % 5 == 0) {
          where = awaitRunningReconciliation(settings, worker, k % 10 == 0 ? "startup" : null);
        } else if (k % 7 == 0) {
          // Early: during the start-up, before the worker is ready.
          Thread.sleep(1000 + random.nextInt(4000));
          where = "start-up";
        } else {
          awaitReady(settings, worker);
          Thread.sleep(1000 + random.nextInt(15000));
          where = stages(settings);
        }
        if (!frozen && k == kills / 2) {
          awaitReady(settings, worker);
          freezeDatabase(home, 60);
          frozen = true;
          where = where + " (after the database froze 60 s)";
        }
        landed.merge(where, 1, Integer::sum);
        System.out.printf("kill %2d: %s%s%n", k, where, arrived);
      } finally {
        worker.destroyForcibly(); // SIGKILL
        worker.waitFor(30, TimeUnit.SECONDS);
      }
    }

    System.out.println("final worker: running until every site is finished...");
    Process last = startWorker(env, home.resolve("worker-final.log"));
    List<String> problems = new ArrayList<>();
    try {
      awaitReady(settings, last);
      if (!awaitFinished(settings, TimeUnit.MINUTES.toNanos(20))) {
        problems.add("not every site finished within 20 minutes: " + stages(settings));
      }
      problems.addAll(check(settings, samples));
    } finally {
      last.destroy(); // SIGTERM: drains and stops its services
      last.waitFor(2, TimeUnit.MINUTES);
    }
    System.out.println();
    System.out.println("kills: " + kills + " " + landed);
    System.out.println("database frozen for a minute: " + (frozen ? "once" : "no"));
    System.out.println("problems: " + problems.size());
    problems.forEach(p -> System.out.println("  " + p));
    if (problems.isEmpty()) {
      ReconcileBench.deleteTree(home);
    } else {
      System.out.println("logs and state kept in " + home);
      System.exit(1);
    }
  }

  /** 8 sample sites (scans, a sideways and a rotated scan, a corrupt PDF each) and born-digital extras. */
  static List<SampleDocument> workload(Path storage, Random random) throws IOException {
    List<SampleDocument> all = new ArrayList<>();
    for (int s = 1; s <= SITES; s++) {
      String site = String.format("chaos%02d.example.org", s);
      all.addAll(SampleSites.generate(storage, List.of(site)));
      for (int i = 0; i < EXTRA_PER_SITE; i++) {
        String date = java.time.LocalDate.of(2023, 1, 2).plusDays(7L * i).toString();
        Path pdf = storage.resolve(site).resolve("pdfs/Council").resolve(date + ".pdf");
        Files.createDirectories(pdf.getParent());
        List<String> lines = List.of("COUNCIL MINUTES " + date, "Moved by Councillor Ash, seconded by"
            + " Councillor Birch, THAT item " + i + " be approved. Carried.");
        int pages = 1 + random.nextInt(3);
        SamplePdfs.write(pdf, java.util.stream.IntStream.range(0, pages)
            .mapToObj(p -> new SamplePage(Style.DIGITAL, lines)).toList(), random.nextLong());
        all.add(new SampleDocument(site, "minutes", "Council", date, pdf,
            java.util.Collections.nCopies(pages, String.join("\n", lines)), false, 0, List.of()));
      }
    }
    return all;
  }

  /**
   * Four new documents of one site, two born-digital and two scanned (2 to 4 pages), written while
   * the worker is down; the start-up reconciliation finds them. Added to {@code samples}.
   */
  static String arrive(Path storage, Random random, int k, List<SampleDocument> samples) throws IOException {
    String site = String.format("chaos%02d.example.org", 1 + random.nextInt(SITES));
    for (int i = 0; i < 4; i++) {
      String date = java.time.LocalDate.of(2025, 1, 1).plusDays(10L * k + i).toString();
      Path pdf = storage.resolve(site).resolve("pdfs/Council").resolve(date + ".pdf");
      Style style = i < 2 ? Style.DIGITAL : Style.SCANNED;
      int pages = style == Style.DIGITAL ? 1 + random.nextInt(3) : 2 + random.nextInt(3);
      List<String> lines = List.of("COUNCIL MINUTES " + date, "Moved by Councillor Ash, seconded by"
          + " Councillor Birch, THAT item " + k + "-" + i + " be approved. Carried.");
      SamplePdfs.write(pdf, java.util.stream.IntStream.range(0, pages)
          .mapToObj(p -> new SamplePage(style, lines)).toList(), random.nextLong());
      samples.add(new SampleDocument(site, "minutes", "Council", date, pdf,
          java.util.Collections.nCopies(pages, String.join("\n", lines)), false,
          style == Style.SCANNED ? pages : 0, List.of()));
    }
    return "4 documents arrived at " + site;
  }

  static Process startWorker(Map<String, String> env, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        clerk.worker.ClerkWorkerApplication.class.getName());
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return builder.start();
  }

  static int clerk(Map<String, String> env, Path jar, Path log, String... args) throws Exception {
    return ReconcileBench.clerk(env, jar, log, args);
  }

  static void awaitReady(ClerkSettings settings, Process worker) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (RuntimeFile.running(settings).filter(w -> w.pid() == worker.pid()).isPresent()) {
        return;
      }
      if (!worker.isAlive()) {
        throw new IllegalStateException("the worker exited with " + worker.exitValue());
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the worker did not become ready in 5 minutes");
  }

  /** The database the worker runs (its embedded server, on the fixed port). */
  static Connection database(ClerkSettings settings) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + settings.embeddedDatabasePort()
        + "/postgres", EmbeddedDatabase.USER, PasswordFile.read(EmbeddedDatabase.passwordFile(settings.home())));
  }

  /** The stages sites are in now, e.g. "ocr 3, extraction 2, completed 3". */
  static String stages(ClerkSettings settings) {
    try (Connection c = database(settings); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT coalesce(current_stage, 'none'), count(*) FROM sites GROUP BY 1 ORDER BY 1")) {
      List<String> out = new ArrayList<>();
      while (r.next()) {
        out.add(r.getString(1) + " " + r.getInt(2));
      }
      return "sites in " + String.join(", ", out);
    } catch (Exception e) {
      return "sites unknown (" + e.getMessage() + ")";
    }
  }

  /** Waits until a reconciliation run acts (of that trigger, when given) and says so. */
  static String awaitRunningReconciliation(ClerkSettings settings, Process worker, String trigger) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline && worker.isAlive()) {
      try (Connection c = database(settings); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT trigger FROM reconciliation_runs WHERE status = 'running'"
              + (trigger == null ? "" : " AND trigger = '" + trigger + "'"))) {
        if (r.next()) {
          return "during a reconciliation run (" + r.getString(1) + ")";
        }
      } catch (Exception starting) {
        // the database is not up yet
      }
      Thread.sleep(20);
    }
    return "waiting for a reconciliation run (none seen)";
  }

  /** SIGSTOPs every process of the embedded PostgreSQL for a while, then SIGCONTs them. */
  static void freezeDatabase(Path home, int seconds) throws Exception {
    String dataDir = home.resolve("postgres").toString();
    List<ProcessHandle> postgres = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("postgres")).orElse(false))
        .filter(p -> p.info().commandLine().map(c -> c.contains(dataDir)).orElse(false)
            || p.parent().map(ProcessHandle::info).flatMap(ProcessHandle.Info::commandLine)
                .map(c -> c.contains(dataDir)).orElse(false))
        .toList();
    signal("STOP", postgres);
    Thread.sleep(seconds * 1000L);
    signal("CONT", postgres);
  }

  static void signal(String signal, List<ProcessHandle> processes) throws Exception {
    for (ProcessHandle p : processes) {
      new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start().waitFor();
    }
  }

  /** Until every site is completed or failed, no pipeline runs and no reconciliation acts. */
  static boolean awaitFinished(ClerkSettings settings, long timeoutNanos) throws Exception {
    long deadline = System.nanoTime() + timeoutNanos;
    int quiet = 0;
    while (System.nanoTime() < deadline) {
      try (Connection c = database(settings); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT count(*) FILTER (WHERE current_stage IS NULL"
              + " OR current_stage NOT IN ('completed', 'failed')),"
              + " (SELECT count(*) FROM reconciliation_runs WHERE status = 'running') FROM sites")) {
        r.next();
        quiet = r.getInt(1) == 0 && r.getInt(2) == 0 ? quiet + 1 : 0;
      }
      if (quiet >= 10) {
        return true; // ten seconds without work or a run acting
      }
      Thread.sleep(1000);
    }
    return false;
  }

  /** Every site exactly as one clean run leaves it. */
  static List<String> check(ClerkSettings settings, List<SampleDocument> samples) throws Exception {
    List<String> problems = new ArrayList<>();
    SiteStorage storage = new SiteStorage(settings.storageDir());
    try (HikariDataSource db = Database.connect(RuntimeFile.running(settings).orElseThrow().databaseUrl(),
        EmbeddedDatabase.USER, PasswordFile.read(EmbeddedDatabase.passwordFile(settings.home())), 2)) {
      SiteRepository repository = new SiteRepository(db);
      for (SiteRow row : repository.sites()) {
        String site = row.subdomain();
        List<SampleDocument> mine = samples.stream().filter(d -> d.subdomain().equals(site)).toList();
        if (repository.recountCounters(site)) {
          problems.add(site + ": counters differed from the documents (counted twice or not at all)");
          row = repository.site(site);
        }
        long bad = mine.stream().filter(SampleDocument::corrupt).count();
        StageCounters ocr = row.counters(Stage.OCR);
        if (ocr.total() != mine.size() || ocr.failed() != bad || ocr.completed() != mine.size() - bad) {
          problems.add(site + ": OCR " + ocr + ", expected " + (mine.size() - bad) + "/" + mine.size()
              + " completed, " + bad + " failed");
        }
        for (Stage stage : List.of(Stage.COMPILATION, Stage.EXTRACTION, Stage.DEPLOY)) {
          StageCounters c = row.counters(stage);
          if (c.total() != mine.size() - bad || c.completed() != c.total() || c.failed() != 0) {
            problems.add(site + ": " + c + ", expected every good document completed");
          }
        }
        if (row.currentStage() != Stage.COMPLETED) {
          problems.add(site + ": stage " + row.currentStage() + ", expected completed");
        }
        for (SiteRepository.FailedDocument f : repository.failedDocuments(site)) {
          boolean expected = mine.stream().anyMatch(d -> d.corrupt() && d.ref().id().equals(f.documentId()));
          if (!expected || f.error() == null || f.error().isBlank()) {
            problems.add(site + ": " + f.documentId() + " failed " + f.stage() + " (" + f.error() + ")"
                + (expected ? ", without a reason" : ", but it is a good document"));
          }
        }
        SiteSurvey disk = storage.survey(site);
        for (SiteSurvey.DiskDocument d : disk.documents()) {
          boolean good = mine.stream().anyMatch(s -> !s.corrupt() && s.ref().id().equals(d.id()));
          SampleDocument sample = mine.stream().filter(s -> s.ref().id().equals(d.id())).findFirst().orElse(null);
          if (good && (d.text().pages() != sample.pageTexts().size() || d.text().files() != d.text().pages())) {
            problems.add(site + ": " + d.id() + " has " + d.text().files() + " page files, expected "
                + sample.pageTexts().size());
          }
        }
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
          ResultSet r = s.executeQuery("SELECT d.document_id, d.pages, (SELECT count(*) FROM pages p"
              + " WHERE p.subdomain = d.subdomain AND p.document_id = d.document_id) FROM documents d"
              + " WHERE d.subdomain = '" + site + "' AND d.compilation_status = 'completed'");
          while (r.next()) {
            if (r.getInt(2) != r.getInt(3)) {
              problems.add(site + ": " + r.getString(1) + " has " + r.getInt(3) + " page rows, expected " + r.getInt(2));
            }
          }
          String expected = SiteBundleWriter.fingerprints(c, List.of(site)).get(site);
          String published = SiteBundleWriter.fingerprintOnDisk(settings.deployDir(), site);
          if (!expected.equals(published)) {
            problems.add(site + ": the bundle is not the site's documents (fingerprint " + published + ", expected "
                + expected + ")");
          } else {
            int documents = new ObjectMapper().readTree(settings.deployDir().resolve(site).resolve("site.json")
                .toFile()).get("documents").asInt();
            if (documents != mine.size() - bad) {
              problems.add(site + ": site.json publishes " + documents + " documents, expected " + (mine.size() - bad));
            }
          }
        }
      }
    }
    try (Stream<Path> all = Files.walk(settings.storageDir())) {
      all.filter(p -> p.getFileName().toString().endsWith(".partial"))
          .forEach(p -> problems.add("partial folder left: " + p));
    }
    return problems;
  }
}
