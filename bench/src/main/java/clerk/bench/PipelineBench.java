package clerk.bench;

import clerk.activities.db.Database;
import clerk.activities.extract.MotionExtractor;
import clerk.activities.ocr.DocumentOcr;
import clerk.activities.ocr.OcrSettings;
import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import clerk.client.ClerkSettings;
import clerk.worker.ClerkWorkerApplication;
import clerk.workflows.Pipelines;
import clerk.workflows.SitePipelineWorkflow;
import com.zaxxer.hikari.HikariDataSource;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.postgresql.PGConnection;

/**
 * bench/pipeline: born-digital one-page documents through all four stages on a worker with embedded
 * PostgreSQL and Temporal. Prints documents per second for a small and a big site (the big one
 * continues as new many times: their ratio shows whether size costs throughput) and, for the
 * middle size, in two rounds taking turns with it, the same work done by a plain single-JVM loop with
 * the same libraries (page text into a partial folder renamed into place, COPY into a pages table with
 * a tsvector, the motion extractor, an SQLite FTS5 insert): clerk's ratio to it, and its history
 * events per document.
 *
 * <p>Usage: bench/pipeline/run [--small 200] [--middle 2000] [--big 5000] [--warmup 8xMIDDLE]
 */
public final class PipelineBench {
  /** Rounds of the middle size, clerk and the plain loop taking turns. */
  static final int ROUNDS = 2;

  public static void main(String[] args) throws Exception {
    int small = ReconcileBench.intArg(args, "--small", 200);
    int middle = ReconcileBench.intArg(args, "--middle", 2000);
    int big = ReconcileBench.intArg(args, "--big", 5000);
    Path home = Files.createTempDirectory("clerk-pipeline-bench");
    Map<String, String> env = ReconcileBench.workerEnv(home);
    env.forEach(System::setProperty);
    ClerkSettings settings = ClerkSettings.fromEnvironment();
    List<byte[]> pdfs = samplePdfs(home, 20);
    System.out.printf("clerk pipeline benchmark: one-page born-digital documents, %d cores, %d OCR slots%n",
        Runtime.getRuntime().availableProcessors(), settings.ocrSlots());

    // Both sides warm up on the same site of eight rounds' documents: after 100, or even 2,000, the
    // JIT compilers were still busy for seconds in every later round of clerk's (it runs far more
    // code than the loop: Temporal, gRPC, Jackson, JDBC; methods called once a document or a batch
    // reach the optimising compiler only after thousands of documents). That is start-up cost, not
    // what a long-lived worker pays a document; each round prints the compilers' seconds.
    int warmup = ReconcileBench.intArg(args, "--warmup", 8 * middle);
    generate(settings.storageDir(), "warmup.example.org", warmup, pdfs);
    generate(settings.storageDir(), "small.example.org", small, pdfs);
    for (int round = 1; round <= ROUNDS; round++) {
      generate(settings.storageDir(), "middle-" + round + ".example.org", middle, pdfs);
    }
    generate(settings.storageDir(), "big.example.org", big, pdfs);

    try (ClerkWorkerApplication.Running worker = ClerkWorkerApplication.start(settings)) {
      WorkflowClient client = worker.context().getBean(WorkflowClient.class);
      HikariDataSource db = worker.context().getBean(HikariDataSource.class);
      Pipelines pipelines = new Pipelines(client, settings.taskQueue(), settings.siteOcrAtOnce());
      run(worker, pipelines, client, "warmup.example.org", warmup); // JIT, engines, connections
      plainLoop(db, settings.storageDir(), "warmup.example.org", home.resolve("plain-warmup"));
      double smallSeconds = run(worker, pipelines, client, "small.example.org", small);
      // The middle size in rounds, the plain loop and clerk taking turns (the plain loop first, then
      // clerk first), so that load from elsewhere on the machine falls on both alike.
      // CPU seconds too (this JVM and the embedded PostgreSQL's processes): on a machine shared with
      // other work, clerk's several threads get a larger share of the cores than the loop's one.
      double[] clerkSeconds = new double[ROUNDS];
      double[] plainSeconds = new double[ROUNDS];
      double[] clerkCpu = new double[ROUNDS];
      double[] plainCpu = new double[ROUNDS];
      for (int round = 1; round <= ROUNDS; round++) {
        String site = "middle-" + round + ".example.org";
        Path out = home.resolve("plain-" + round);
        for (int turn = 0; turn < 2; turn++) {
          double cpu = cpuSeconds(home);
          if ((turn == 0) == (round % 2 == 1)) {
            profile("start", round);
            plainSeconds[round - 1] = plainLoop(db, settings.storageDir(), site, out);
            plainCpu[round - 1] = cpuSeconds(home) - cpu;
            profile("stop,file=loop-round-" + round + ".collapsed", round);
          } else {
            profile("start", round);
            clerkSeconds[round - 1] = run(worker, pipelines, client, site, middle);
            clerkCpu[round - 1] = cpuSeconds(home) - cpu;
            profile("stop,file=clerk-round-" + round + ".collapsed", round);
          }
        }
      }
      double bigSeconds = run(worker, pipelines, client, "big.example.org", big);
      long events = events(client, "middle-1.example.org");

      System.out.println();
      System.out.printf("%-52s %9s %12s%n", "run", "seconds", "documents/s");
      System.out.printf("%-52s %9.1f %12.1f%n", "clerk, " + small + " documents", smallSeconds, small / smallSeconds);
      for (int round = 1; round <= ROUNDS; round++) {
        System.out.printf("%-52s %9.1f %12.1f%n", "round " + round + ": clerk, " + middle + " documents",
            clerkSeconds[round - 1], middle / clerkSeconds[round - 1]);
        System.out.printf("%-52s %9.1f %12.1f%n", "round " + round + ": plain single-JVM loop, " + middle + " documents",
            plainSeconds[round - 1], middle / plainSeconds[round - 1]);
      }
      System.out.printf("%-52s %9.1f %12.1f%n", "clerk, " + big + " documents", bigSeconds, big / bigSeconds);
      double clerk = Arrays.stream(clerkSeconds).min().orElseThrow();
      double plain = Arrays.stream(plainSeconds).min().orElseThrow();
      System.out.printf("big site / small site, documents per second: %.2fx (target: about 1)%n",
          (big / bigSeconds) / (small / smallSeconds));
      for (int round = 1; round <= ROUNDS; round++) {
        System.out.printf("round %d: clerk / plain loop, documents per second: %.2fx%n", round,
            plainSeconds[round - 1] / clerkSeconds[round - 1]);
      }
      System.out.printf("clerk / plain loop, documents per second (%d documents, best of %d each): %.2fx"
          + " (target: 0.9x or more)%n", middle, ROUNDS, plain / clerk);
      for (int round = 1; round <= ROUNDS; round++) {
        System.out.printf("round %d: CPU seconds (this JVM and PostgreSQL): clerk %.1f, plain loop %.1f; plain / clerk %.2fx%n",
            round, clerkCpu[round - 1], plainCpu[round - 1], plainCpu[round - 1] / clerkCpu[round - 1]);
      }
      System.out.printf("history events per document (%d documents, every workflow run): %.1f%n", middle,
          (double) events / middle);
    }
    ReconcileBench.deleteTree(home);
  }

  /**
   * CPU seconds used so far by this JVM and by the embedded PostgreSQL (its server processes, those
   * whose command line names {@code home}, with their children; ended children included). Linux only.
   */
  static double cpuSeconds(Path home) {
    double seconds = jvmCpuSeconds();
    List<ProcessHandle> servers = ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .filter(p -> p.info().commandLine().map(c -> c.contains(home.toString())).orElse(false))
        .toList();
    for (ProcessHandle server : servers) {
      seconds += processCpuSeconds(server.pid());
      for (ProcessHandle child : server.descendants().toList()) {
        seconds += processCpuSeconds(child.pid());
      }
    }
    return seconds;
  }

  /** utime + stime + cutime + cstime of /proc/PID/stat, in seconds (100 ticks a second); 0 when gone. */
  static double processCpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }

  /**
   * With {@code -Dbench.profile=LIB} (async-profiler's libasyncProfiler.so, its jar on the class
   * path) each middle round's CPU time is sampled, both sides, into collapsed stacks in the working
   * directory: where a side's CPU goes, native code and JIT compilers included.
   */
  static void profile(String command, int round) throws Exception {
    String lib = System.getProperty("bench.profile");
    if (lib == null) {
      return;
    }
    Class<?> profiler = Class.forName("one.profiler.AsyncProfiler");
    Object instance = profiler.getMethod("getInstance", String.class).invoke(null, lib);
    profiler.getMethod("execute", String.class).invoke(instance,
        command.equals("start") ? "start,event=itimer,interval=1ms,threads" : command + ",collapsed");
  }

  static double jvmCpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  /** Seconds this JVM's JIT compilers have spent compiling so far. */
  static double jitSeconds() {
    return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime() / 1e3;
  }

  /** Registers the site, starts its pipeline, waits for it to complete; returns the seconds it took. */
  static double run(ClerkWorkerApplication.Running worker, Pipelines pipelines, WorkflowClient client, String site,
      int documents) throws Exception {
    worker.context().getBean(clerk.activities.db.SiteRepository.class).ensureSite(site, "");
    long t = System.nanoTime();
    StageClock clock = new StageClock(worker.context().getBean(HikariDataSource.class), site);
    pipelines.start(site);
    client.newUntypedWorkflowStub(SitePipelineWorkflow.workflowId(site)).getResult(2, TimeUnit.HOURS, Object.class);
    double seconds = ReconcileBench.seconds(t);
    System.out.printf("  %s: %d documents in %.1f s%s%n", site, documents, seconds, clock.stop());
    return seconds;
  }

  /**
   * Where a run's time goes: polls the site's current stage and takes this JVM's and PostgreSQL's
   * CPU seconds at each change, so that each stage shows its wall time and how many cores it kept
   * busy (CPU / wall: below 2 on this machine is idle cores).
   */
  static final class StageClock {
    private final Thread poller;
    private final StringBuilder out = new StringBuilder();
    private volatile boolean stop;

    StageClock(HikariDataSource db, String site) {
      Path home = Path.of(System.getProperty("CLERK_HOME"));
      poller = new Thread(() -> {
        String stage = null;
        long since = System.nanoTime();
        double cpu = cpuSeconds(home);
        double jit = jitSeconds();
        double pg = cpuSeconds(home) - jvmCpuSeconds();
        try (Connection c = db.getConnection();
            PreparedStatement q = c.prepareStatement("SELECT current_stage FROM sites WHERE subdomain = ?")) {
          q.setString(1, site);
          while (true) {
            String now;
            try (var rs = q.executeQuery()) {
              now = rs.next() ? rs.getString(1) : null;
            }
            boolean last = stop;
            if (last || (now != null && !now.equals(stage))) {
              long t = System.nanoTime();
              double c2 = cpuSeconds(home);
              double j2 = jitSeconds();
              double pg2 = c2 - jvmCpuSeconds();
              if (stage != null) {
                double wall = (t - since) / 1e9;
                out.append(String.format("%n      %-12s %5.2f s wall, %5.2f s CPU (PostgreSQL %.2f), %.1f cores,"
                    + " JIT %.2f s", stage, wall, c2 - cpu, pg2 - pg, (c2 - cpu) / wall, j2 - jit));
              }
              stage = now;
              since = t;
              cpu = c2;
              jit = j2;
              pg = pg2;
            }
            if (last) {
              return;
            }
            Thread.sleep(20);
          }
        } catch (Exception e) {
          out.append(" (stage clock: ").append(e).append(')');
        }
      }, "bench-stage-clock");
      poller.start();
    }

    String stop() throws InterruptedException {
      stop = true;
      poller.join();
      return out.toString();
    }
  }

  /** Events of every run of the site's pipeline and of its document batches. */
  static long events(WorkflowClient client, String site) {
    long events = 0;
    String prefix = SitePipelineWorkflow.workflowId(site);
    com.google.protobuf.ByteString token = com.google.protobuf.ByteString.EMPTY;
    do {
      var page = client.getWorkflowServiceStubs().blockingStub().listClosedWorkflowExecutions(
          ListClosedWorkflowExecutionsRequest.newBuilder().setNamespace(client.getOptions().getNamespace())
              .setMaximumPageSize(1000).setNextPageToken(token).build());
      for (var e : page.getExecutionsList()) {
        if (e.getExecution().getWorkflowId().startsWith(prefix)) {
          events += client.fetchHistory(e.getExecution().getWorkflowId(), e.getExecution().getRunId()).getEvents().size();
        }
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return events;
  }

  /**
   * What a careful engineer would write without a workflow engine: for each PDF, the page texts into a
   * partial folder renamed into place, the pages COPYed into PostgreSQL (tsvector generated), motions
   * extracted, the pages inserted into an SQLite FTS5 table; one JVM, one thread, the same libraries.
   */
  static double plainLoop(HikariDataSource db, Path storage, String site, Path out) throws Exception {
    Files.createDirectories(out);
    DocumentOcr ocr = new DocumentOcr(OcrSettings.defaults());
    MotionExtractor extractor = new MotionExtractor();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(storage.resolve(site).resolve("pdfs"))) {
      files = walk.filter(p -> p.toString().endsWith(".pdf")).sorted().toList();
    }
    long t = System.nanoTime();
    double jit = jitSeconds();
    String steps = "";
    try (Connection pg = db.getConnection(); Statement s = pg.createStatement();
        Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + out.resolve("meetings.db"))) {
      s.execute("CREATE TABLE IF NOT EXISTS plain_pages (document TEXT, page INT, text TEXT,"
          + " tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED)");
      s.execute("TRUNCATE plain_pages");
      try (Statement q = sqlite.createStatement()) {
        q.execute("CREATE VIRTUAL TABLE IF NOT EXISTS pages USING fts5(document, page, text)");
      }
      sqlite.setAutoCommit(false);
      var copy = pg.unwrap(PGConnection.class).getCopyAPI();
      try (PreparedStatement insert = sqlite.prepareStatement("INSERT INTO pages VALUES (?, ?, ?)")) {
        long[] step = new long[4]; // text layers and files, PostgreSQL, motions, SQLite
        for (Path pdf : files) {
          long t0 = System.nanoTime();
          String document = storage.relativize(pdf).toString();
          Path partial = out.resolve("." + pdf.getFileName() + ".partial");
          Files.createDirectories(partial);
          List<String> pages = new ArrayList<>();
          ocr.ocr(pdf, 1, (n, text, method) -> {
            Files.writeString(partial.resolve("page-" + n + ".txt"), text, StandardCharsets.UTF_8);
            pages.add(text);
          });
          Path done = out.resolve(pdf.getFileName().toString().replace(".pdf", ""));
          Files.move(partial, done, StandardCopyOption.ATOMIC_MOVE);
          long t1 = System.nanoTime();
          StringBuilder rows = new StringBuilder();
          for (int i = 0; i < pages.size(); i++) {
            rows.append(document).append('\t').append(i + 1).append('\t')
                .append(pages.get(i).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                    .replace("\r", "\\r")).append('\n');
          }
          copy.copyIn("COPY plain_pages (document, page, text) FROM STDIN", new StringReader(rows.toString()));
          long t2 = System.nanoTime();
          extractor.extract(pages);
          long t3 = System.nanoTime();
          for (int i = 0; i < pages.size(); i++) {
            insert.setString(1, document);
            insert.setInt(2, i + 1);
            insert.setString(3, pages.get(i));
            insert.executeUpdate();
          }
          step[0] += t1 - t0;
          step[1] += t2 - t1;
          step[2] += t3 - t2;
          step[3] += System.nanoTime() - t3;
        }
        steps = String.format("%n      text layers and files %.2f s, PostgreSQL COPY %.2f s, motions %.2f s,"
            + " SQLite %.2f s; JIT %.2f s", step[0] / 1e9, step[1] / 1e9, step[2] / 1e9, step[3] / 1e9,
            jitSeconds() - jit);
      }
      sqlite.commit();
    }
    double seconds = ReconcileBench.seconds(t);
    System.out.printf("  plain loop, %s: %d documents in %.1f s%s%n", site, files.size(), seconds, steps);
    return seconds;
  }

  static void generate(Path storage, String site, int documents, List<byte[]> pdfs) throws IOException {
    Path dir = storage.resolve(site).resolve("pdfs/CityCouncil");
    Files.createDirectories(dir);
    for (int i = 0; i < documents; i++) {
      String date = java.time.LocalDate.of(2000, 1, 1).plusDays(i).toString();
      Files.write(dir.resolve(date + ".pdf"), pdfs.get(i % pdfs.size()));
    }
  }

  static List<byte[]> samplePdfs(Path home, int count) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path file = home.resolve("sample-" + i + ".pdf");
      SamplePdfs.write(file, List.of(new SamplePage(Style.DIGITAL, List.of("CITY COUNCIL MINUTES, MEETING " + i,
          "Moved by Councilmember Ash, seconded by Councilmember Birch, to approve item " + i + ".",
          "Motion carried 5-0.", "The council discussed the budget and the library hours at length."))), i);
      out.add(Files.readAllBytes(file));
      Files.delete(file);
    }
    return out;
  }

  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
