package clerk.bench;

import clerk.activities.sample.TextDistance;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * bench/ocr: clerk end to end against the tools a person would use instead, on the same scanned
 * PDFs, contenders interleaved round by round, each warmed up first:
 *
 * <ul>
 *   <li><b>clerk</b>: a real worker ({@code bin/clerk worker}, one OCR slot per core); a site added
 *       and started with {@code bin/clerk}; timed from {@code clerk start} to the OCR stage done, and
 *       to the site completed (compilation, extraction, deploy too);
 *   <li><b>OCRmyPDF</b> with {@code -j <cores>}, one document after another (each parallel over its
 *       pages), {@code --rotate-pages}, text from {@code --sidecar}, no PDF/A or optimisation;
 *   <li><b>tesseract CLI</b>: {@code pdftoppm} renders every page (timed), then one tesseract
 *       process per core, each over a list file of pages (one model load per process).
 * </ul>
 *
 * Two sets: a mixed one (documents of a few pages stored as copiers store them: 1-bit Flate, gray
 * JPEG, JBIG2, mixed raster content, /Rotate, sideways) and one long document. Prints pages/s, the
 * ratios, CER against the known text (and clerk's errors against the best peer's, paired page by
 * page, with a 95 % interval: the sets are small enough for a gap of a few characters to be noise),
 * peak RSS (the whole process tree for the peers). Usage:
 * {@code bench/ocr/run [--documents 8] [--pages 5] [--long 60] [--rounds 2] [--cores N] [--clerk DIR]}.
 */
public final class OcrBench {
  /** One contender's run of one set; {@code pageErrors}: edit operations on each page, in order. */
  record Result(String contender, String set, int pages, double seconds, double completedSeconds, double cer,
      int[] pageErrors, double peakMb) {
    double pagesPerSecond() {
      return pages / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    int documents = ReconcileBench.intArg(args, "--documents", 8);
    int pagesEach = ReconcileBench.intArg(args, "--pages", 5);
    int longPages = ReconcileBench.intArg(args, "--long", 60);
    int rounds = ReconcileBench.intArg(args, "--rounds", 2);
    int cores = ReconcileBench.intArg(args, "--cores", Runtime.getRuntime().availableProcessors());
    Path clerkDir = Path.of(WorkerMemoryBench.stringArg(args, "--clerk", ".")).toAbsolutePath().normalize();
    Path work = Path.of("bench/ocr/work").toAbsolutePath();
    deleteTree(work);
    Path sets = work.resolve("sets");

    List<BenchPages.Scan> all = List.of(BenchPages.Scan.values());
    List<BenchPages.Scan> common = List.of(BenchPages.Scan.FLATE_1BIT, BenchPages.Scan.GRAY_JPEG,
        BenchPages.Scan.JBIG2, BenchPages.Scan.MRC);
    System.out.printf("generating: mixed set %d documents x %d pages (%s), one long document of %d pages (%s)...%n",
        documents, pagesEach, all, longPages, common);
    Map<String, List<BenchPages.Doc>> inputs = new java.util.LinkedHashMap<>();
    inputs.put("mixed", BenchPages.generateScans(sets.resolve("mixed"), "CityCouncil", documents, pagesEach, all, 1));
    inputs.put("long", BenchPages.generateScans(sets.resolve("long"), "CityCouncil", 1, longPages, common, 2));
    List<BenchPages.Doc> warmup = BenchPages.generateScans(sets.resolve("warmup"), "CityCouncil", 1, 2, all, 3);

    System.out.printf("machine: %d cores, %s; %s; %s; OMP_THREAD_LIMIT=1; load average %s%n", cores,
        run(work, "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim(),
        run(work, "tesseract --version 2>&1 | head -1").trim(), "ocrmypdf " + run(work, "ocrmypdf --version").trim(),
        WorkerMemoryBench.loadAverage());

    Map<String, String> env = ReconcileBench.workerEnv(work.resolve("clerk"));
    env.put("CLERK_OCR_SLOTS", String.valueOf(cores));
    Files.createDirectories(work.resolve("clerk"));
    Process worker = WorkerMemoryBench.clerk(clerkDir, work.resolve("clerk"), env, List.of("worker"))
        .redirectOutput(work.resolve("worker.log").toFile()).redirectErrorStream(true).start();
    List<Result> results = new ArrayList<>();
    try {
      JsonNode running = WorkerMemoryBench.awaitWorker(work.resolve("clerk"), worker);
      try (ProcessMemory workerRss = new ProcessMemory(running.path("pid").asLong());
          Connection db = WorkerMemoryBench.database(running)) {
        Clerk clerk = new Clerk(clerkDir, work.resolve("clerk"), env, db, workerRss);
        System.out.println("warming up every contender...");
        clerk.run("warmup", 0, warmup);
        ocrmypdf(work.resolve("ocrmypdf-warmup"), warmup, cores, "warmup");
        tesseractCli(work.resolve("cli-warmup"), warmup, cores, "warmup");
        for (int r = 1; r <= rounds; r++) {
          for (Map.Entry<String, List<BenchPages.Doc>> set : inputs.entrySet()) {
            // Each round a different contender goes first: none always gets the cold caches.
            for (int c = 0; c < 3; c++) {
              int who = (c + r) % 3;
              Result result = who == 0 ? clerk.run(set.getKey(), r, set.getValue())
                  : who == 1 ? ocrmypdf(work.resolve("ocrmypdf-" + set.getKey() + "-" + r), set.getValue(), cores,
                      set.getKey())
                  : tesseractCli(work.resolve("cli-" + set.getKey() + "-" + r), set.getValue(), cores, set.getKey());
              System.out.printf("  round %d, %-5s %-14s %4d pages %8.1f s %6.2f pages/s  CER %.2f%%  peak %.0f MB%n",
                  r, set.getKey(), result.contender(), result.pages(), result.seconds(), result.pagesPerSecond(),
                  result.cer() * 100, result.peakMb());
              results.add(result);
            }
          }
        }
      }
    } finally {
      worker.destroy();
      worker.waitFor();
    }
    List<String> report = report(results, rounds);
    report.add("load average at the end: " + WorkerMemoryBench.loadAverage());
    report.forEach(System.out::println);
    Files.writeString(work.resolve("report.txt"), String.join("\n", report) + "\n");
    System.exit(0);
  }

  static List<String> report(List<Result> results, int rounds) {
    List<String> out = new ArrayList<>();
    out.add("");
    out.add(String.format("%-6s %-16s %6s %10s %10s %9s %7s %9s", "set", "contender (median of " + rounds + ")",
        "pages", "seconds", "completed", "pages/s", "CER", "peak MB"));
    Map<String, Result> median = new java.util.LinkedHashMap<>();
    for (String set : List.of("mixed", "long")) {
      for (String who : List.of("clerk", "OCRmyPDF", "tesseract CLI")) {
        List<Result> runs = results.stream().filter(r -> r.set().equals(set) && r.contender().equals(who))
            .sorted(Comparator.comparingDouble(Result::seconds)).toList();
        Result m = runs.get((runs.size() - 1) / 2);
        median.put(set + "/" + who, m);
        out.add(String.format("%-6s %-16s %6d %10.1f %10s %9.2f %6.2f%% %9.0f", set, who, m.pages(), m.seconds(),
            Double.isNaN(m.completedSeconds()) ? "-" : String.format("%.1f", m.completedSeconds()),
            m.pagesPerSecond(), m.cer() * 100, m.peakMb()));
      }
    }
    Result longClerk = median.get("long/clerk");
    Result longOcrmypdf = median.get("long/OCRmyPDF");
    Result mixedClerk = median.get("mixed/clerk");
    Result mixedOcrmypdf = median.get("mixed/OCRmyPDF");
    out.add(String.format("long document: clerk wall time / OCRmyPDF's = %.2fx (target <= 0.85x)",
        longClerk.seconds() / longOcrmypdf.seconds()));
    out.add(String.format("mixed set: clerk pages/s / OCRmyPDF's = %.2fx (target >= 1.2x); / tesseract CLI's = %.2fx",
        mixedClerk.pagesPerSecond() / mixedOcrmypdf.pagesPerSecond(),
        mixedClerk.pagesPerSecond() / median.get("mixed/tesseract CLI").pagesPerSecond()));
    for (String set : List.of("mixed", "long")) {
      Result clerk = median.get(set + "/clerk");
      Result best = java.util.stream.Stream.of("OCRmyPDF", "tesseract CLI").map(who -> median.get(set + "/" + who))
          .min(Comparator.comparingDouble(Result::cer)).orElseThrow();
      out.add(String.format("%s: CER clerk %.3f%%, best peer (%s) %.3f%% (target: clerk <= best peer); clerk - %s: %s",
          set, clerk.cer() * 100, best.contender(), best.cer() * 100, best.contender(),
          paired(clerk.pageErrors(), best.pageErrors())));
    }
    return out;
  }

  /** clerk end to end: the documents as a new site, added and started with bin/clerk. */
  record Clerk(Path clerkDir, Path home, Map<String, String> env, Connection db, ProcessMemory rss) {
    Result run(String set, int round, List<BenchPages.Doc> docs) throws Exception {
      String site = set + "-" + round + ".bench.example.org";
      Path pdfs = home.resolve("storage").resolve(site).resolve("pdfs");
      for (BenchPages.Doc d : docs) {
        Path target = pdfs.resolve(d.meeting()).resolve(d.date() + ".pdf");
        Files.createDirectories(target.getParent());
        Files.copy(d.pdf(), target);
      }
      WorkerMemoryBench.run(WorkerMemoryBench.clerk(clerkDir, home, env, List.of("sites", "add", site)));
      rss.takePeakMb();
      long t = System.nanoTime();
      WorkerMemoryBench.run(WorkerMemoryBench.clerk(clerkDir, home, env, List.of("start", site)));
      double ocrDone = Double.NaN;
      while (true) {
        try (PreparedStatement s = db.prepareStatement(
            "SELECT ocr_total, ocr_completed + ocr_failed, current_stage FROM sites WHERE subdomain = ?")) {
          s.setString(1, site);
          try (ResultSet r = s.executeQuery()) {
            r.next();
            if (Double.isNaN(ocrDone) && r.getInt(1) == docs.size() && r.getInt(2) == docs.size()) {
              ocrDone = ReconcileBench.seconds(t);
            }
            if ("completed".equals(r.getString(3)) || "failed".equals(r.getString(3))) {
              break;
            }
          }
        }
        Thread.sleep(100);
      }
      double completed = ReconcileBench.seconds(t);
      List<String> actual = new ArrayList<>();
      for (BenchPages.Doc d : docs) {
        Path dir = home.resolve("storage").resolve(site).resolve("txt").resolve(d.meeting()).resolve(d.date());
        for (int p = 1; p <= d.pageTexts().size(); p++) {
          Path page = dir.resolve("page-" + p + ".txt");
          actual.add(Files.exists(page) ? Files.readString(page) : "");
        }
      }
      return new Result("clerk", set, pages(docs), ocrDone, completed, cer(docs, actual), pageErrors(docs, actual),
          rss.takePeakMb());
    }
  }

  /** OCRmyPDF over the documents one after another, each with -j cores. */
  static Result ocrmypdf(Path dir, List<BenchPages.Doc> docs, int cores, String set) throws Exception {
    Read read = ocrmypdfRead(dir, docs, cores);
    return new Result("OCRmyPDF", set, pages(docs), read.timed().seconds(), Double.NaN, cer(docs, read.texts()),
        pageErrors(docs, read.texts()), read.timed().peakMb());
  }

  /** A peer's run: its time and peak RSS, and the text of every page in order. */
  record Read(Timed timed, List<String> texts) {}

  static Read ocrmypdfRead(Path dir, List<BenchPages.Doc> docs, int cores) throws Exception {
    Files.createDirectories(dir);
    StringBuilder script = new StringBuilder("set -e\n");
    for (int i = 0; i < docs.size(); i++) {
      script.append("ocrmypdf -q -j ").append(cores).append(" -l eng --rotate-pages --output-type pdf --optimize 0")
          .append(" --sidecar ").append(i).append(".txt '").append(docs.get(i).pdf()).append("' ").append(i)
          .append(".pdf\n");
    }
    Files.writeString(dir.resolve("run.sh"), script);
    Timed timed = timed(dir, "bash run.sh");
    List<String> actual = new ArrayList<>();
    for (int i = 0; i < docs.size(); i++) {
      actual.addAll(split(Files.readString(dir.resolve(i + ".txt")), docs.get(i).pageTexts().size()));
    }
    return new Read(timed, actual);
  }

  /**
   * pdftoppm renders every page at 300 dpi in gray, then one tesseract process per core reads its
   * share of the pages from a list file (one model load per process, as OCRmyPDF-less scripts do).
   */
  static Result tesseractCli(Path dir, List<BenchPages.Doc> docs, int cores, String set) throws Exception {
    Read read = tesseractCliRead(dir, docs, cores);
    return new Result("tesseract CLI", set, pages(docs), read.timed().seconds(), Double.NaN, cer(docs, read.texts()),
        pageErrors(docs, read.texts()), read.timed().peakMb());
  }

  static Read tesseractCliRead(Path dir, List<BenchPages.Doc> docs, int cores) throws Exception {
    Files.createDirectories(dir);
    List<String> images = new ArrayList<>();
    StringBuilder script = new StringBuilder("set -e\n");
    StringBuilder render = new StringBuilder();
    for (int i = 0; i < docs.size(); i++) {
      render.append("'").append(docs.get(i).pdf()).append("' d").append(i).append('\n');
      int n = docs.get(i).pageTexts().size();
      for (int p = 1; p <= n; p++) {
        images.add(dir.resolve("d" + i + "-" + pageSuffix(p, n) + ".pgm").toString());
      }
    }
    Files.writeString(dir.resolve("pdfs.txt"), render);
    script.append("xargs -P ").append(cores).append(" -L 1 pdftoppm -r 300 -gray < pdfs.txt\n");
    for (int c = 0; c < cores; c++) {
      List<String> share = new ArrayList<>();
      for (int k = c; k < images.size(); k += cores) {
        share.add(images.get(k));
      }
      Files.writeString(dir.resolve("list-" + c + ".txt"), String.join("\n", share) + "\n");
      script.append("tesseract list-").append(c).append(".txt out-").append(c)
          .append(" -l eng --psm 1 --dpi 300 quiet &\n");
    }
    script.append("wait\n");
    Files.writeString(dir.resolve("run.sh"), script);
    Timed timed = timed(dir, "bash run.sh");
    String[] texts = new String[images.size()];
    for (int c = 0; c < cores; c++) {
      int count = (images.size() - c + cores - 1) / cores;
      List<String> pages = split(Files.readString(dir.resolve("out-" + c + ".txt")), count);
      for (int j = 0; j < pages.size(); j++) {
        texts[c + j * cores] = pages.get(j);
      }
    }
    return new Read(timed, java.util.Arrays.asList(texts));
  }

  /** pdftoppm numbers pages -1 … -9, or -01 …, -001 … by the document's page count. */
  static String pageSuffix(int page, int pages) {
    int digits = String.valueOf(pages).length();
    return String.format("%0" + digits + "d", page);
  }

  /** Text of several pages separated by form feeds, as {@code pages} page texts. */
  static List<String> split(String text, int pages) {
    String[] parts = text.split("\f", -1);
    List<String> out = new ArrayList<>();
    for (int p = 0; p < pages; p++) {
      out.add(p < parts.length ? parts[p] : "");
    }
    return out;
  }

  record Timed(double seconds, double peakMb) {}

  /** Runs a shell command, timing it and sampling its process tree's RSS. */
  static Timed timed(Path dir, String command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("output.log").toFile());
    builder.environment().put("OMP_THREAD_LIMIT", "1");
    long t = System.nanoTime();
    Process p = builder.start();
    AtomicLong peak = new AtomicLong();
    while (p.isAlive()) {
      peak.accumulateAndGet(ProcessMemory.treeRssKb(p.toHandle()), Math::max);
      Thread.sleep(100);
    }
    double seconds = ReconcileBench.seconds(t);
    if (p.exitValue() != 0) {
      throw new IOException(command + " failed in " + dir + ": " + Files.readString(dir.resolve("output.log")));
    }
    return new Timed(seconds, peak.get() / 1024.0);
  }

  /** Character error rate over all pages: edit distance summed over pages, over expected characters. */
  static double cer(List<BenchPages.Doc> docs, List<String> actual) {
    double chars = docs.stream().flatMap(d -> d.pageTexts().stream())
        .mapToInt(t -> TextDistance.normalise(t).length()).sum();
    return java.util.Arrays.stream(pageErrors(docs, actual)).sum() / chars;
  }

  /** Edit operations between each page's known text and {@code actual}'s, in order. */
  static int[] pageErrors(List<BenchPages.Doc> docs, List<String> actual) {
    List<String> truth = docs.stream().flatMap(d -> d.pageTexts().stream()).toList();
    int[] errors = new int[truth.size()];
    for (int i = 0; i < errors.length; i++) {
      errors[i] = (int) Math.round(TextDistance.cer(truth.get(i), actual.get(i)) * TextDistance.normalise(truth.get(i))
          .length());
    }
    return errors;
  }

  /**
   * Paired comparison of two contenders on the same pages: the sum of {@code mine - theirs} page by
   * page, its 95 % bootstrap interval (pages resampled 10,000 times), and pages better, worse, alike.
   */
  static String paired(int[] mine, int[] theirs) {
    int better = 0;
    int worse = 0;
    int[] diff = new int[mine.length];
    for (int i = 0; i < mine.length; i++) {
      diff[i] = mine[i] - theirs[i];
      better += diff[i] < 0 ? 1 : 0;
      worse += diff[i] > 0 ? 1 : 0;
    }
    java.util.Random random = new java.util.Random(1);
    int[] sums = new int[10_000];
    for (int r = 0; r < sums.length; r++) {
      for (int i = 0; i < diff.length; i++) {
        sums[r] += diff[random.nextInt(diff.length)];
      }
    }
    java.util.Arrays.sort(sums);
    return String.format("%+d errors over %d pages (95 %% interval %+d .. %+d); pages better %d, worse %d, alike %d",
        java.util.Arrays.stream(diff).sum(), diff.length, sums[sums.length * 25 / 1000],
        sums[sums.length * 975 / 1000 - 1], better, worse, diff.length - better - worse);
  }

  private static int pages(List<BenchPages.Doc> docs) {
    return docs.stream().mapToInt(d -> d.pageTexts().size()).sum();
  }

  static String run(Path dir, String command) throws IOException {
    try {
      Files.createDirectories(dir);
      ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(dir.toFile()).redirectErrorStream(true);
      builder.environment().put("OMP_THREAD_LIMIT", "1");
      Process p = builder.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException(command + " failed: " + out);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
