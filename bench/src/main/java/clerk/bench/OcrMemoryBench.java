package clerk.bench;

import clerk.activities.ocr.DocumentOcr;
import clerk.activities.ocr.OcrSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * bench/ocr/memory: is OCR memory bounded by the page, not the document? Finds the smallest heap in
 * which a short scanned document (5 pages) can be OCRed, then OCRs a long one (500 pages) in that same
 * heap, each in its own JVM, and prints the smallest heaps and their ratio (1.0 = bounded).
 * Usage: {@code bench/ocr/memory [--pages 5,500] [--step 8]}.
 */
public final class OcrMemoryBench {
  /** No page needs less than this; no page of ours needs more than the top. */
  static final int FLOOR_MB = 16;
  static final int CEILING_MB = 1024;

  public static void main(String[] args) throws Exception {
    int shortPages = 5;
    int longPages = 500;
    int step = 8;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--pages" -> {
          String[] p = args[i + 1].split(",");
          shortPages = Integer.parseInt(p[0]);
          longPages = Integer.parseInt(p[1]);
        }
        case "--step" -> step = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Path.of("bench/ocr/work/memory").toAbsolutePath();
    OcrBench.deleteTree(dir);
    Path shortPdf = scan(dir.resolve("short"), shortPages);
    Path longPdf = scan(dir.resolve("long"), longPages);
    System.out.printf("scanned documents at %d dpi: %d pages (%d KB), %d pages (%d KB)%n",
        OcrSettings.fromEnv().dpi(), shortPages, Files.size(shortPdf) / 1024, longPages,
        Files.size(longPdf) / 1024);

    int shortHeap = smallestHeap(shortPdf, shortPages, FLOOR_MB, CEILING_MB, step);
    System.out.printf("%4d pages: smallest heap %d MB%n", shortPages, shortHeap);
    // The long document first in the short one's heap; only if that fails, search upwards.
    Run same = ocr(longPdf, shortHeap);
    int longHeap = same.ok(longPages) ? shortHeap : smallestHeap(longPdf, longPages, shortHeap, CEILING_MB, step);
    System.out.printf("%4d pages: smallest heap %d MB%s (%.0f s at %d MB)%n", longPages, longHeap,
        same.ok(longPages) ? " or less: it ran in the short document's heap" : "",
        same.seconds(), shortHeap);
    System.out.printf("ratio long/short heap: %.2f (1.00 = memory bounded by the page)%n",
        (double) longHeap / shortHeap);
  }

  static Path scan(Path dir, int pages) throws IOException {
    return BenchPages.generate(dir, "CityCouncil", 1, pages, true, 42).get(0).pdf();
  }

  /** Bisection over heap sizes, in steps of {@code step} MB: the smallest in which OCR completes. */
  static int smallestHeap(Path pdf, int pages, int low, int high, int step)
      throws IOException, InterruptedException {
    if (!ocr(pdf, high).ok(pages)) {
      throw new IllegalStateException(pdf + " does not OCR even in " + high + " MB");
    }
    if (ocr(pdf, low).ok(pages)) {
      return low;
    }
    // high works, low does not.
    while (high - low > step) {
      int mid = Math.max(low + step, (low + high) / 2 / step * step);
      if (ocr(pdf, mid).ok(pages)) {
        high = mid;
      } else {
        low = mid;
      }
    }
    return high;
  }

  record Run(int exit, int pages, double seconds, String out) {
    boolean ok(int expected) {
      return exit == 0 && pages == expected;
    }
  }

  /** OCRs the document in a JVM with this heap (serial GC: no heap used by GC threads' buffers). */
  static Run ocr(Path pdf, int heapMb) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heapMb + "m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), Child.class.getName(), pdf.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("OMP_THREAD_LIMIT", "1");
    long start = System.nanoTime();
    Process child = builder.start();
    child.getOutputStream().close();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!child.waitFor(2, TimeUnit.HOURS)) {
      child.destroyForcibly();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int pages = -1;
    for (String line : out.split("\n")) {
      if (line.startsWith("pages=")) {
        pages = Integer.parseInt(line.substring(6).trim());
      }
    }
    Run run = new Run(child.exitValue(), pages, seconds, out);
    System.err.printf("  %s in %d MB: %s (%.0f s)%n", pdf.getParent().getParent().getFileName(), heapMb,
        run.exit() == 0 ? "ok" : out.contains("OutOfMemoryError") ? "out of memory" : "exit " + run.exit(),
        seconds);
    return run;
  }

  /** Runs in the measured JVM: OCRs every page (force OCR), keeping only a count. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      AtomicInteger pages = new AtomicInteger();
      OcrSettings settings = OcrSettings.fromEnv().withForceOcr(true);
      new DocumentOcr(settings).ocr(Path.of(args[0]), 1, (n, text, method) -> pages.incrementAndGet());
      System.out.println("pages=" + pages.get());
      DocumentOcr.closeIdleEngines();
    }
  }
}
