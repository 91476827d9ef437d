package clerk.bench;

import clerk.activities.OcrActivitiesImpl;
import clerk.activities.db.Database;
import clerk.activities.db.SiteRepository;
import clerk.activities.ocr.DocumentOcr;
import clerk.activities.ocr.OcrSettings;
import clerk.activities.sample.TextDistance;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.DocumentOutcome;
import clerk.workflows.DocumentRef;
import clerk.workflows.OcrActivities;
import clerk.workflows.TaskQueues;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * bench/ocr: clerk's OCR activity, run by a Temporal worker with one OCR slot per core, against the
 * tesseract CLI over the same pages (rendered beforehand by pdftoppm) with {@code xargs -P <cores>},
 * and pdftotext for text-layer pages. Prints pages per second, the ratios, and each one's character
 * error rate against the known text. Usage: {@code bench/ocr/run [--pages N] [--dpi 150,200,300]}.
 */
public final class OcrBench {
  static final String SITE = "bench.example.us";

  /** Runs every document's OCR activity at once; the worker's slots bound the concurrency. */
  @WorkflowInterface
  public interface OcrAll {
    @WorkflowMethod
    List<DocumentOutcome> run(List<DocumentRef> documents);
  }

  public static class OcrAllImpl implements OcrAll {
    private final OcrActivities ocr = Workflow.newActivityStub(OcrActivities.class,
        ActivityOptions.newBuilder().setTaskQueue(TaskQueues.OCR).setStartToCloseTimeout(Duration.ofHours(1)).build());

    @Override
    public List<DocumentOutcome> run(List<DocumentRef> documents) {
      List<Promise<DocumentOutcome>> all = new ArrayList<>();
      for (DocumentRef d : documents) {
        all.add(Async.function(ocr::ocrDocument, d));
      }
      return all.stream().map(Promise::get).toList();
    }
  }

  record Result(String what, int pages, double seconds, double cer) {
    double pagesPerSecond() {
      return pages / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int pages = Integer.parseInt(options.getOrDefault("pages", "24"));
    int repeat = Integer.parseInt(options.getOrDefault("repeat", "3"));
    int cores = Integer.parseInt(options.getOrDefault("cores", String.valueOf(Runtime.getRuntime().availableProcessors())));
    List<Integer> dpis = Stream.of(options.getOrDefault("dpi", "300").split(",")).map(String::trim).map(Integer::parseInt).toList();
    Path work = Path.of(options.getOrDefault("work", "bench/ocr/work")).toAbsolutePath();
    deleteTree(work);
    Path storage = work.resolve("storage");
    Path pdfs = storage.resolve(SITE).resolve("pdfs");

    int pagesEach = 3;
    int documents = Math.max(1, pages / pagesEach);
    System.out.printf("generating %d scanned and %d text-layer pages (%d documents of %d pages each)...%n",
        documents * pagesEach, documents * pagesEach, documents, pagesEach);
    List<BenchPages.Doc> scans = BenchPages.generate(pdfs, "Scans", documents, pagesEach, true, 1);
    List<BenchPages.Doc> digital = BenchPages.generate(pdfs, "Digital", documents, pagesEach, false, 2);
    List<BenchPages.Doc> warmup = BenchPages.generate(pdfs, "Warmup", 1, 1, true, 3);

    String tesseract = run(work, "tesseract --version 2>&1 | head -1").trim();
    System.out.printf("machine: %d cores, %s; %s; OMP_THREAD_LIMIT=%s%n", cores,
        run(work, "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim(), tesseract,
        System.getenv("OMP_THREAD_LIMIT"));

    List<String> report = new ArrayList<>();
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        HikariDataSource db = Database.connect(pg.getJdbcUrl("postgres", "postgres"), null, null, cores + 4)) {
      Database.migrate(db);
      SiteRepository repository = new SiteRepository(db);
      SiteStorage siteStorage = new SiteStorage(storage);
      for (int dpi : dpis) {
        System.out.printf("%n== %d dpi ==%n", dpi);
        OcrSettings settings = OcrSettings.fromEnv().withDpi(dpi);
        // Each measurement `repeat` times, clerk and the CLI taking turns, and the median of each: this
        // machine's neighbours make single runs swing by 10-20 %.
        List<Result> clerkRuns = new ArrayList<>();
        List<Result> renderRuns = new ArrayList<>();
        List<Result> cliRuns = new ArrayList<>();
        List<Result> digitalRuns = new ArrayList<>();
        List<Result> pdftotextRuns = new ArrayList<>();
        for (int r = 0; r < repeat; r++) {
          clerkRuns.add(clerk("clerk, scanned", settings, cores, repository, siteStorage, warmup, scans));
          renderRuns.add(cliRender(work.resolve("cli-" + dpi), scans, dpi, cores));
          cliRuns.add(cliTesseract(work.resolve("cli-" + dpi), scans, dpi, cores, settings.lang()));
          digitalRuns.add(clerk("clerk, text layer", settings, cores, repository, siteStorage, warmup, digital));
          pdftotextRuns.add(pdftotext(work.resolve("pdftotext"), digital, cores));
          System.out.printf("  run %d: clerk %.2f pages/s, tesseract CLI %.2f pages/s%n", r + 1,
              clerkRuns.get(r).pagesPerSecond(), cliRuns.get(r).pagesPerSecond());
        }
        Result clerkScans = median(clerkRuns);
        Result render = median(renderRuns);
        Result cliOcr = median(cliRuns);
        Result clerkDigital = median(digitalRuns);
        Result pdftotext = median(pdftotextRuns);
        Result cliBoth = new Result("tesseract CLI incl. pdftoppm", cliOcr.pages(), cliOcr.seconds() + render.seconds(), cliOcr.cer());
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-34s %6s %9s %10s %7s", "dpi " + dpi + " (median of " + repeat + ")", "pages",
            "seconds", "pages/s", "CER"));
        for (Result r : List.of(clerkScans, cliOcr, render, cliBoth, clerkDigital, pdftotext)) {
          lines.add(String.format("%-34s %6d %9.2f %10.2f %7s", r.what(), r.pages(), r.seconds(), r.pagesPerSecond(),
              Double.isNaN(r.cer()) ? "-" : String.format("%.2f%%", r.cer() * 100)));
        }
        lines.add(String.format("ratio clerk / tesseract CLI (OCR only, images given):  %.2fx  (target >= 0.9x)",
            clerkScans.pagesPerSecond() / cliOcr.pagesPerSecond()));
        lines.add(String.format("ratio clerk / tesseract CLI incl. pdftoppm rendering:  %.2fx",
            clerkScans.pagesPerSecond() / cliBoth.pagesPerSecond()));
        lines.add(String.format("ratio clerk text-layer / clerk scanned pages:          %.1fx  (target >= 20x)",
            clerkDigital.pagesPerSecond() / clerkScans.pagesPerSecond()));
        lines.add(String.format("ratio clerk text-layer / pdftotext:                    %.2fx",
            clerkDigital.pagesPerSecond() / pdftotext.pagesPerSecond()));
        lines.forEach(System.out::println);
        report.addAll(lines);
        report.add("");
      }
    }
    Files.writeString(work.resolve("report.txt"), String.join("\n", report) + "\n");
    System.out.println("\nreport written to " + work.resolve("report.txt"));
    System.exit(0);
  }

  static Result median(List<Result> runs) {
    List<Result> sorted = runs.stream().sorted(java.util.Comparator.comparingDouble(Result::seconds)).toList();
    return sorted.get(sorted.size() / 2);
  }

  /** The OCR activities, run by a Temporal worker with {@code cores} OCR slots, over the documents. */
  static Result clerk(String what, OcrSettings settings, int cores, SiteRepository repository, SiteStorage storage,
      List<BenchPages.Doc> warmup, List<BenchPages.Doc> docs) throws IOException {
    List<DocumentRef> refs = refs(docs);
    List<DocumentRef> warm = refs(warmup);
    for (DocumentRef d : concat(refs, warm)) {
      storage.removeText(d);
    }
    repository.ensureSite(SITE, "bench");
    new clerk.activities.SiteInventory(storage, repository).sync(SITE); // registers the PDFs on disk
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    try {
      env.newWorker(TaskQueues.PIPELINE).registerWorkflowImplementationTypes(OcrAllImpl.class);
      env.newWorker(TaskQueues.OCR, WorkerOptions.newBuilder().setMaxConcurrentActivityExecutionSize(cores).build())
          .registerActivitiesImplementations(
              new OcrActivitiesImpl(storage, repository, new DocumentOcr(settings), new SimpleMeterRegistry()));
      env.start();
      // Warm-up (not timed): class loading, JIT, one Tesseract engine; a worker runs for days.
      workflow(env).run(warm);
      long start = System.nanoTime();
      List<DocumentOutcome> outcomes = workflow(env).run(refs);
      double seconds = (System.nanoTime() - start) / 1e9;
      int pages = outcomes.stream().mapToInt(DocumentOutcome::pages).sum();
      List<String> actual = new ArrayList<>();
      for (DocumentRef d : refs) {
        actual.addAll(storage.readPages(d));
      }
      return new Result(what, pages, seconds, cer(docs, actual));
    } finally {
      env.close();
    }
  }

  private static OcrAll workflow(TestWorkflowEnvironment env) {
    return env.getWorkflowClient().newWorkflowStub(OcrAll.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.PIPELINE).setWorkflowId("bench-" + System.nanoTime()).build());
  }

  static Result cliRender(Path dir, List<BenchPages.Doc> docs, int dpi, int cores) throws IOException {
    deleteTree(dir);
    Files.createDirectories(dir);
    String list = docs.stream().map(d -> d.pdf() + " " + dir.resolve(d.meeting() + "-" + d.date()))
        .collect(Collectors.joining("\n"));
    Files.writeString(dir.resolve("pdfs.txt"), list + "\n");
    long start = System.nanoTime();
    run(dir, "xargs -P " + cores + " -L 1 pdftoppm -r " + dpi + " -gray < pdfs.txt");
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result("pdftoppm rendering (timed apart)", pages(docs), seconds, Double.NaN);
  }

  static Result cliTesseract(Path dir, List<BenchPages.Doc> docs, int dpi, int cores, String lang) throws IOException {
    // Same engine settings as clerk: language, automatic segmentation with orientation detection, DPI.
    long start = System.nanoTime();
    run(dir, "ls *.pgm | xargs -P " + cores + " -I{} tesseract {} {} -l " + lang + " --psm 1 --dpi " + dpi
        + " quiet");
    double seconds = (System.nanoTime() - start) / 1e9;
    List<String> actual = new ArrayList<>();
    for (BenchPages.Doc d : docs) {
      for (int p = 1; p <= d.pageTexts().size(); p++) {
        actual.add(readPage(dir, d.meeting() + "-" + d.date() + "-", p, d.pageTexts().size()));
      }
    }
    return new Result("tesseract CLI, xargs -P " + cores, pages(docs), seconds, cer(docs, actual));
  }

  /** pdftoppm names pages -1, -2 … or -01, -02 … depending on the page count. */
  private static String readPage(Path dir, String prefix, int page, int pages) throws IOException {
    for (String name : List.of(prefix + page + ".pgm.txt", prefix + String.format("%02d", page) + ".pgm.txt",
        prefix + String.format("%03d", page) + ".pgm.txt")) {
      if (Files.exists(dir.resolve(name))) {
        return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
      }
    }
    throw new IOException("no tesseract output for " + prefix + page + " in " + dir);
  }

  static Result pdftotext(Path dir, List<BenchPages.Doc> docs, int cores) throws IOException {
    deleteTree(dir);
    Files.createDirectories(dir);
    String list = docs.stream().map(d -> d.pdf() + " " + dir.resolve(d.meeting() + "-" + d.date() + ".txt"))
        .collect(Collectors.joining("\n"));
    Files.writeString(dir.resolve("pdfs.txt"), list + "\n");
    long start = System.nanoTime();
    run(dir, "xargs -P " + cores + " -L 1 pdftotext < pdfs.txt");
    double seconds = (System.nanoTime() - start) / 1e9;
    List<String> actual = new ArrayList<>();
    for (BenchPages.Doc d : docs) {
      String[] pagesText = Files.readString(dir.resolve(d.meeting() + "-" + d.date() + ".txt")).split("\f", -1);
      for (int p = 0; p < d.pageTexts().size(); p++) {
        actual.add(p < pagesText.length ? pagesText[p] : "");
      }
    }
    return new Result("pdftotext, xargs -P " + cores, pages(docs), seconds, cer(docs, actual));
  }

  /** Character error rate over all pages: edit distance summed over pages, over expected characters. */
  static double cer(List<BenchPages.Doc> docs, List<String> actual) {
    double errors = 0;
    double chars = 0;
    int i = 0;
    for (BenchPages.Doc d : docs) {
      for (String expected : d.pageTexts()) {
        int n = TextDistance.normalise(expected).length();
        errors += TextDistance.cer(expected, actual.get(i++)) * n;
        chars += n;
      }
    }
    return errors / chars;
  }

  private static int pages(List<BenchPages.Doc> docs) {
    return docs.stream().mapToInt(d -> d.pageTexts().size()).sum();
  }

  private static List<DocumentRef> refs(List<BenchPages.Doc> docs) {
    return docs.stream().map(d -> new DocumentRef(SITE, DocumentRef.MINUTES, d.meeting(), d.date())).toList();
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
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
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
