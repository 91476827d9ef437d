package clerk.bench;

import clerk.activities.ocr.BoundedRenderer;
import clerk.activities.ocr.DocumentOcr;
import clerk.activities.ocr.OcrSettings;
import clerk.activities.sample.TextDistance;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;

/**
 * Where clerk's CER differs from the tesseract CLI's, isolated (docs/performance.md): for the same
 * generated pages, (A) clerk's DocumentOcr; (B) the tesseract CLI on pdftoppm's 300 dpi gray image;
 * (C) clerk's Tesseract call on pdftoppm's image; (D) the tesseract CLI on the image clerk hands to
 * Tesseract. A against B is the difference; C and D say whether the image or the call makes it.
 * Usage: {@code bench/ocr/cer [--set mixed|long] [--documents 8] [--pages 5] [--long 60] [--seed N] [--quick]
 * [--kinds MRC,JBIG2] [--peers [--cores N]]}; {@code --peers}: see {@link #peers}.
 */
public final class CerProbe {
  public static void main(String[] args) throws Exception {
    String set = WorkerMemoryBench.stringArg(args, "--set", "mixed");
    int documents = ReconcileBench.intArg(args, "--documents", 8);
    int pagesEach = ReconcileBench.intArg(args, "--pages", 5);
    int longPages = ReconcileBench.intArg(args, "--long", 60);
    int seed = ReconcileBench.intArg(args, "--seed", set.equals("mixed") ? 1 : 2);
    // --quick: only B and D, the two images through the same CLI (A and C gave the same texts as D and B).
    boolean quick = List.of(args).contains("--quick");
    Path work = Path.of(WorkerMemoryBench.stringArg(args, "--work", "bench/ocr/work/cer")).toAbsolutePath()
        .resolve(set + "-" + seed);
    OcrBench.deleteTree(work);
    String only = WorkerMemoryBench.stringArg(args, "--kinds", "");
    List<BenchPages.Scan> kinds = !only.isEmpty()
        ? java.util.Arrays.stream(only.split(",")).map(BenchPages.Scan::valueOf).toList()
        : set.equals("mixed") ? List.of(BenchPages.Scan.values())
        : List.of(BenchPages.Scan.FLATE_1BIT, BenchPages.Scan.GRAY_JPEG, BenchPages.Scan.JBIG2, BenchPages.Scan.MRC);
    List<BenchPages.Doc> docs = set.equals("mixed")
        ? BenchPages.generateScans(work.resolve("pdf"), "CityCouncil", documents, pagesEach, kinds, seed)
        : BenchPages.generateScans(work.resolve("pdf"), "CityCouncil", 1, longPages, kinds, seed);
    if (List.of(args).contains("--peers")) {
      int cores = ReconcileBench.intArg(args, "--cores", Runtime.getRuntime().availableProcessors());
      String report = peers(work, docs, kinds, cores);
      Files.writeString(work.resolve("report.txt"), report);
      System.out.print(report.substring(report.indexOf("\nerrors")));
      System.exit(0);
    }

    List<String> truth = new ArrayList<>();
    List<String> kindOf = new ArrayList<>();
    List<String> clerk = new ArrayList<>();
    List<String> poppler = new ArrayList<>();
    List<String> clerkImages = new ArrayList<>();
    Path tessdata = Path.of("/usr/share/tesseract-ocr/5/tessdata");
    DocumentOcr ocr = new DocumentOcr(OcrSettings.defaults());
    Object engine = call(cls("TesseractEngine"), "open", null, new Class<?>[] {Path.class, String.class, boolean.class},
        tessdata, "eng", true);
    List<String> clerkOnPoppler = new ArrayList<>();
    List<String> imageStats = new ArrayList<>();
    int n = 0;
    for (int d = 0; d < docs.size(); d++) {
      BenchPages.Doc doc = docs.get(d);
      // (A) clerk's own path
      if (!quick) {
        ocr.ocr(doc.pdf(), 1, (page, text, method) -> clerk.add(text));
      }
      OcrBench.run(work, "pdftoppm -r 300 -gray '" + doc.pdf() + "' " + work.resolve("p" + d));
      try (PDDocument pdf = Loader.loadPDF(doc.pdf().toFile())) {
        BoundedRenderer renderer = new BoundedRenderer(pdf);
        for (int p = 0; p < doc.pageTexts().size(); p++, n++) {
          truth.add(doc.pageTexts().get(p));
          kindOf.add(kinds.get(n % kinds.size()).name());
          // The image clerk hands to Tesseract (DocumentOcr.tesseract), and its resolution.
          Object scan = call(cls("PageImage"), "fullPageImage", null,
              new Class<?>[] {org.apache.pdfbox.pdmodel.PDPage.class, long.class, int.class}, pdf.getPage(p),
              100_000_000L, 450);
          BufferedImage image = scan != null ? (BufferedImage) call(scan.getClass(), "image", scan, new Class<?>[0])
              : renderer.renderImageWithDPI(p, 300, ImageType.GRAY);
          int dpi = scan != null ? (Integer) call(scan.getClass(), "dpi", scan, new Class<?>[0]) : 300;
          BufferedImage gray = (BufferedImage) call(cls("TesseractEngine"), "toGray", null,
              new Class<?>[] {BufferedImage.class}, image);
          Path mine = work.resolve("c" + d + "-" + OcrBench.pageSuffix(p + 1, doc.pageTexts().size()) + ".pgm");
          writePgm(gray, mine);
          clerkImages.add(mine.toString());
          Path theirs = work.resolve("p" + d + "-" + OcrBench.pageSuffix(p + 1, doc.pageTexts().size()) + ".pgm");
          poppler.add(theirs.toString());
          BufferedImage popplerImage = readPgm(theirs);
          imageStats.add((scan != null ? "decoded" : "rendered") + " " + dpi + " dpi, " + compare(gray, popplerImage));
          // (C) clerk's Tesseract call on poppler's image
          clerkOnPoppler.add(quick ? null : (String) call(cls("TesseractEngine"), "read", engine,
              new Class<?>[] {BufferedImage.class, int.class, Duration.class}, popplerImage, 300,
              Duration.ofMinutes(2)));
        }
      }
    }
    ((AutoCloseable) engine).close();
    // (B) and (D): the CLI as the benchmark runs it, over list files.
    var onPoppler = java.util.concurrent.CompletableFuture.supplyAsync(() -> cli(work, "poppler", poppler));
    List<String> cliOnClerk = cli(work, "clerk", clerkImages);
    List<String> cliOnPoppler = onPoppler.join();

    Map<String, List<String>> variants = new LinkedHashMap<>();
    if (!quick) {
      variants.put("A clerk", clerk);
    }
    variants.put("B cli/poppler", cliOnPoppler);
    if (!quick) {
      variants.put("C clerk-call/poppler", clerkOnPoppler);
    }
    variants.put("D cli/clerk-image", cliOnClerk);
    StringBuilder report = new StringBuilder();
    report.append(String.format("%-4s %-12s %s  %s%n", "page", "kind", variants.keySet(),
        "clerk's image against poppler's"));
    Map<String, double[]> total = new LinkedHashMap<>();
    for (int i = 0; i < truth.size(); i++) {
      StringBuilder row = new StringBuilder(String.format("%-4d %-12s", i + 1, kindOf.get(i)));
      for (Map.Entry<String, List<String>> v : variants.entrySet()) {
        int len = TextDistance.normalise(truth.get(i)).length();
        double errors = TextDistance.cer(truth.get(i), v.getValue().get(i)) * len;
        row.append(String.format(" %8.0f", errors));
        total.computeIfAbsent(v.getKey(), k -> new double[2])[0] += errors;
        total.get(v.getKey())[1] += len;
        total.computeIfAbsent(v.getKey() + " " + kindOf.get(i), k -> new double[2])[0] += errors;
        total.get(v.getKey() + " " + kindOf.get(i))[1] += len;
      }
      report.append(row).append("  ").append(imageStats.get(i)).append('\n');
    }
    report.append("\nerrors (edit operations) / characters, CER:\n");
    total.forEach((k, t) -> report.append(String.format("  %-36s %6.0f / %7.0f  %.3f%%%n", k, t[0], t[1],
        100 * t[0] / t[1])));
    report.append("\nedits against the known text, per page (expected -> read):\n");
    for (int i = 0; i < truth.size(); i++) {
      for (Map.Entry<String, List<String>> v : variants.entrySet()) {
        List<String> edits = edits(TextDistance.normalise(truth.get(i)), TextDistance.normalise(v.getValue().get(i)));
        if (!edits.isEmpty()) {
          report.append(String.format("  page %d %s %s: %s%n", i + 1, kindOf.get(i), v.getKey(), edits));
        }
      }
    }
    Files.writeString(work.resolve("report.txt"), report);
    System.out.print(report);
    System.exit(0);
  }

  /**
   * {@code --peers}: clerk (DocumentOcr, the worker's own reading, one document per core at a time),
   * the tesseract CLI and OCRmyPDF exactly as bench/ocr/run runs them, on the same pages; errors per
   * page and in all, and clerk's against each peer's paired page by page, with a 95 % bootstrap
   * interval (pages resampled), so that a difference can be told from the noise of the set.
   */
  static String peers(Path work, List<BenchPages.Doc> docs, List<BenchPages.Scan> kinds, int cores)
      throws Exception {
    DocumentOcr ocr = new DocumentOcr(OcrSettings.defaults());
    List<List<String>> perDocument = new ArrayList<>();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(cores);
    List<java.util.concurrent.Future<List<String>>> reads = new ArrayList<>();
    for (BenchPages.Doc doc : docs) {
      reads.add(pool.submit(() -> {
        List<String> texts = new ArrayList<>();
        ocr.ocr(doc.pdf(), 1, (page, text, method) -> texts.add(text));
        return texts;
      }));
    }
    for (var read : reads) {
      perDocument.add(read.get());
    }
    pool.shutdown();
    DocumentOcr.closeIdleEngines();
    Map<String, List<String>> contenders = new LinkedHashMap<>();
    contenders.put("clerk", perDocument.stream().flatMap(List::stream).toList());
    contenders.put("tesseract CLI", OcrBench.tesseractCliRead(work.resolve("cli"), docs, cores).texts());
    contenders.put("OCRmyPDF", OcrBench.ocrmypdfRead(work.resolve("ocrmypdf"), docs, cores).texts());

    List<String> truth = docs.stream().flatMap(d -> d.pageTexts().stream()).toList();
    Map<String, int[]> errors = new LinkedHashMap<>();
    contenders.forEach((c, texts) -> errors.put(c, OcrBench.pageErrors(docs, texts)));
    StringBuilder report = new StringBuilder(String.format("%-4s %-12s %s%n", "page", "kind", contenders.keySet()));
    // Each contender in all, then each kind of page (in the generator's order) contender by contender.
    Map<String, double[]> total = new LinkedHashMap<>();
    contenders.keySet().forEach(c -> total.put(c, new double[2]));
    kinds.forEach(k -> contenders.keySet().forEach(c -> total.put(k.name() + " " + c, new double[2])));
    for (int i = 0; i < truth.size(); i++) {
      String kind = kinds.get(i % kinds.size()).name();
      int length = TextDistance.normalise(truth.get(i)).length();
      report.append(String.format("%-4d %-12s", i + 1, kind));
      for (String c : contenders.keySet()) {
        int e = errors.get(c)[i];
        report.append(String.format(" %8d", e));
        for (String key : List.of(c, kind + " " + c)) {
          double[] t = total.get(key);
          t[0] += e;
          t[1] += length;
        }
      }
      report.append('\n');
    }
    report.append(String.format("%nerrors (edit operations) / characters, CER, %d pages:%n", truth.size()));
    total.entrySet().stream().filter(t -> t.getValue()[1] > 0).forEach(t -> report.append(String.format(
        "  %-28s %6.0f / %8.0f  %.3f%%%n", t.getKey(), t.getValue()[0], t.getValue()[1],
        100 * t.getValue()[0] / t.getValue()[1])));
    report.append("\nclerk against each peer, paired page by page:\n");
    for (String peer : List.of("tesseract CLI", "OCRmyPDF")) {
      report.append(String.format("  clerk - %-13s %s%n", peer, OcrBench.paired(errors.get("clerk"), errors.get(peer))));
    }
    return report.toString();
  }

  private static List<String> cli(Path work, String name, List<String> images) {
    try {
      Files.writeString(work.resolve(name + ".txt"), String.join("\n", images) + "\n");
      OcrBench.run(work, "tesseract " + name + ".txt out-" + name + " -l eng --psm 1 --dpi 300 quiet");
      return OcrBench.split(Files.readString(work.resolve("out-" + name + ".txt")), images.size());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The edits that turn {@code a} into {@code b}, each as "expected->read" with a little context. */
  static List<String> edits(String a, String b) {
    int[][] cost = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      for (int j = 0; j <= b.length(); j++) {
        cost[i][j] = i == 0 ? j : j == 0 ? i : Math.min(cost[i - 1][j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1),
            Math.min(cost[i - 1][j], cost[i][j - 1]) + 1);
      }
    }
    List<String> out = new ArrayList<>();
    int i = a.length();
    int j = b.length();
    int endA = -1;
    int endB = -1;
    while (i > 0 || j > 0) {
      boolean same = i > 0 && j > 0 && a.charAt(i - 1) == b.charAt(j - 1) && cost[i][j] == cost[i - 1][j - 1];
      if (same) {
        if (endA >= 0) {
          out.add(0, edit(a, b, i, endA, j, endB));
          endA = -1;
        }
        i--;
        j--;
        continue;
      }
      if (endA < 0) {
        endA = i;
        endB = j;
      }
      if (i > 0 && j > 0 && cost[i][j] == cost[i - 1][j - 1] + 1) {
        i--;
        j--;
      } else if (i > 0 && cost[i][j] == cost[i - 1][j] + 1) {
        i--;
      } else {
        j--;
      }
    }
    if (endA >= 0) {
      out.add(0, edit(a, b, 0, endA, 0, endB));
    }
    return out;
  }

  private static String edit(String a, String b, int i, int endA, int j, int endB) {
    String before = a.substring(Math.max(0, i - 8), i);
    String after = a.substring(endA, Math.min(a.length(), endA + 8));
    return "\"" + before + "[" + a.substring(i, endA) + "->" + b.substring(j, endB) + "]" + after + "\"";
  }

  private static String compare(BufferedImage a, BufferedImage b) {
    if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
      return "sizes differ: " + a.getWidth() + "x" + a.getHeight() + " against " + b.getWidth() + "x" + b.getHeight();
    }
    long differ = 0;
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int d = Math.abs(a.getRaster().getSample(x, y, 0) - b.getRaster().getSample(x, y, 0));
        if (d != 0) {
          differ++;
          sum += d;
        }
      }
    }
    return String.format("%.2f%% pixels differ, mean |diff| %.2f", 100.0 * differ / (a.getWidth() * (long) a.getHeight()),
        differ == 0 ? 0.0 : (double) sum / differ);
  }

  static void writePgm(BufferedImage gray, Path file) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(("P5\n" + gray.getWidth() + " " + gray.getHeight() + "\n255\n").getBytes(StandardCharsets.US_ASCII));
    byte[] row = new byte[gray.getWidth()];
    for (int y = 0; y < gray.getHeight(); y++) {
      gray.getRaster().getDataElements(0, y, gray.getWidth(), 1, row);
      out.write(row);
    }
    Files.write(file, out.toByteArray());
  }

  static BufferedImage readPgm(Path file) throws IOException {
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
      String magic = token(in);
      if (!magic.equals("P5")) {
        throw new IOException(file + ": not a binary PGM");
      }
      int width = Integer.parseInt(token(in));
      int height = Integer.parseInt(token(in));
      Integer.parseInt(token(in));
      BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
      byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
      int read = in.readNBytes(data, 0, data.length);
      if (read != data.length) {
        throw new IOException(file + ": short");
      }
      return image;
    }
  }

  private static String token(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (Character.isWhitespace(c)) {
        if (s.length() > 0) {
          return s.toString();
        }
      } else {
        s.append((char) c);
      }
    }
    return s.toString();
  }

  private static Class<?> cls(String name) throws ClassNotFoundException {
    return Class.forName("clerk.activities.ocr." + name);
  }

  private static Object call(Class<?> type, String name, Object target, Class<?>[] parameters, Object... args)
      throws Exception {
    Method m = type.getDeclaredMethod(name, parameters);
    m.setAccessible(true);
    return m.invoke(target, args);
  }
}
