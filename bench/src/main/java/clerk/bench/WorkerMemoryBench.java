package clerk.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * bench/ocr/memory: the worker's resident memory (the whole process: heap, metaspace, threads,
 * Tesseract's native memory) over a long mixed run, as an operator runs it: {@code bin/clerk worker}
 * with its own JVM settings and 2 OCR slots, sites added and started with {@code bin/clerk}. First a
 * scanned site of 500 pages, then ten consecutive runs of 2,000-document born-digital sites, each
 * followed by the RSS it keeps when idle. Usage: {@code bench/ocr/memory [--pages 500] [--documents
 * 2000] [--runs 10] [--idle 60] [--slots 2] [--clerk DIR]}: {@code --clerk} names the checkout whose
 * {@code bin/clerk} runs the worker (another version's, for a before/after), this one by default.
 */
public final class WorkerMemoryBench {
  public static void main(String[] args) throws Exception {
    int pages = ReconcileBench.intArg(args, "--pages", 500);
    int documents = ReconcileBench.intArg(args, "--documents", 2000);
    int runs = ReconcileBench.intArg(args, "--runs", 10);
    int idle = ReconcileBench.intArg(args, "--idle", 60);
    int slots = ReconcileBench.intArg(args, "--slots", 2);
    Path root = Path.of(stringArg(args, "--clerk", ".")).toAbsolutePath().normalize();
    Path home = Files.createTempDirectory("clerk-memory-bench");
    Map<String, String> env = ReconcileBench.workerEnv(home);
    env.put("CLERK_OCR_SLOTS", String.valueOf(slots));
    Path storage = home.resolve("storage");

    int pagesEach = 50;
    System.out.printf("generating a scanned site of %d pages (%d documents of %d) and %d sites of %d"
        + " one-page born-digital documents...%n", pages, pages / pagesEach, pagesEach, runs, documents);
    if (pages > 0) {
      BenchPages.generate(storage.resolve("scans.example.org/pdfs"), "CityCouncil", Math.max(1, pages / pagesEach),
          Math.min(pages, pagesEach), true, 7);
    }
    List<byte[]> pdfs = PipelineBench.samplePdfs(home, 20);
    for (int r = 1; r <= runs; r++) {
      PipelineBench.generate(storage, "docs-" + r + ".example.org", documents, pdfs);
    }

    System.out.printf("worker: %s/bin/clerk worker, CLERK_JAVA_OPTS=%s, %d OCR slots; load average %s%n", root,
        System.getenv().getOrDefault("CLERK_JAVA_OPTS", "(bin/clerk's defaults)"), slots, loadAverage());
    Process worker = clerk(root, home, env, List.of("worker")).redirectOutput(home.resolve("worker.log").toFile())
        .redirectErrorStream(true).start();
    try {
      JsonNode running = awaitWorker(home, worker);
      long pid = running.path("pid").asLong();
      try (ProcessMemory rss = new ProcessMemory(pid);
          Connection db = database(running)) {
        System.out.printf("%n%-44s %10s %10s %12s%n", "phase", "peak MB", "end MB", "seconds");
        System.out.printf("%-44s %10s %10.0f%n", "idle after start", "", rss.nowMb());
        rss.takePeakMb();
        if (pages > 0) { // --pages 0: the born-digital runs only
          double seconds = runSite(root, home, env, db, "scans.example.org");
          System.out.printf("%-44s %10.0f %10.0f %12.1f%n", "scanned site, " + pages + " pages", rss.takePeakMb(),
              rss.nowMb(), seconds);
          Thread.sleep(idle * 1000L);
          System.out.printf("%-44s %10.0f %10.0f%n", "idle " + idle + " s", rss.takePeakMb(), rss.nowMb());
        }
        for (int r = 1; r <= runs; r++) {
          double seconds = runSite(root, home, env, db, "docs-" + r + ".example.org");
          System.out.printf("%-44s %10.0f %10.0f %12.1f%n", "run " + r + ": " + documents + " documents",
              rss.takePeakMb(), rss.nowMb(), seconds);
        }
        Thread.sleep(idle * 1000L);
        System.out.printf("%-44s %10.0f %10.0f%n", "idle " + idle + " s", rss.takePeakMb(), rss.nowMb());
        System.out.printf("load average at the end: %s%n", loadAverage());
      }
    } finally {
      worker.destroy();
      worker.waitFor();
      ReconcileBench.deleteTree(home);
    }
  }

  /** {@code bin/clerk sites add} and {@code bin/clerk start}, then waits until the site completed. */
  static double runSite(Path root, Path home, Map<String, String> env, Connection db, String site) throws Exception {
    long t = System.nanoTime();
    run(clerk(root, home, env, List.of("sites", "add", site)));
    run(clerk(root, home, env, List.of("start", site)));
    while (!"completed".equals(stage(db, site))) {
      Thread.sleep(500);
    }
    return ReconcileBench.seconds(t);
  }

  static String stage(Connection db, String site) throws Exception {
    try (PreparedStatement s = db.prepareStatement("SELECT current_stage FROM sites WHERE subdomain = ?")) {
      s.setString(1, site);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  static ProcessBuilder clerk(Path root, Path home, Map<String, String> env, List<String> args) {
    List<String> command = new ArrayList<>(List.of(root.resolve("bin/clerk").toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
    builder.environment().putAll(env);
    return builder;
  }

  static void run(ProcessBuilder builder) throws IOException, InterruptedException {
    Process p = builder.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", builder.command()) + " failed: " + out);
    }
  }

  static JsonNode awaitWorker(Path home, Process worker) throws Exception {
    Path file = home.resolve("worker.json");
    for (int i = 0; i < 600; i++) {
      if (!worker.isAlive()) {
        throw new IOException("the worker exited: see " + home.resolve("worker.log"));
      }
      if (Files.exists(file)) {
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        if (json.path("pid").asLong() > 0) {
          return json;
        }
      }
      Thread.sleep(500);
    }
    throw new IOException("the worker did not start in 5 minutes");
  }

  /**
   * A connection to the worker's database, as its worker.json describes it: user and password file
   * where the worker writes them (an embedded database with a password), else the embedded defaults.
   */
  static Connection database(JsonNode worker) throws Exception {
    String user = worker.path("databaseUser").asText("postgres");
    String passwordFile = worker.path("databasePasswordFile").asText("");
    String password = passwordFile.isEmpty() ? "postgres" : Files.readString(Path.of(passwordFile)).strip();
    return DriverManager.getConnection(worker.path("databaseUrl").asText(), user.isEmpty() ? "postgres" : user,
        password);
  }

  static String stringArg(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  static String loadAverage() throws IOException {
    return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
  }
}
