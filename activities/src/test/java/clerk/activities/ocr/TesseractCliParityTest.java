package clerk.activities.ocr;

import static clerk.activities.sample.TextDistance.normalise;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * clerk reads a scanned page exactly as the tesseract command line reads that scan's own pixels.
 * The benchmark's CER gap to the tesseract CLI (docs/performance.md) came from the image alone: the
 * CLI is fed pdftoppm's rendering, which resamples even a 1:1 scan, and that flips a few ambiguous
 * glyphs either way. This guards the rest: Tesseract's settings (segmentation mode with orientation
 * detection, resolution) and what clerk does to the text must give the CLI's text, character for
 * character, and the scan must reach Tesseract undecimated and unsmoothed.
 */
class TesseractCliParityTest {
  private static final List<String> LINES = List.of(
      "ITEM 7. REGULAR MEETING MINUTES",
      "Motion seconded approved carried vote (5-0).",
      "Ordinance second reading introduction (3-2).",
      "Fiscal year budget amendment adopted (4-1).",
      "Public hearing continued to the next regular meeting.");

  @TempDir Path dir;

  @Test
  void aFullPageScanReachesTesseractAsItsOwnPixels() throws Exception {
    Path pdf = dir.resolve("scan.pdf");
    SamplePdfs.write(pdf, List.of(new SamplePage(Style.SCANNED, LINES), new SamplePage(Style.SCANNED_GRAY, LINES)),
        7);
    try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
      for (int p = 0; p < 2; p++) {
        PDPage page = document.getPage(p);
        PageImage.Scan scan = PageImage.fullPageImage(page, DocumentOcr.MAX_PAGE_PIXELS, 450);
        BufferedImage stored = scanPixels(page);

        assertThat(scan).as("page %d read without rendering", p + 1).isNotNull();
        assertThat(scan.dpi()).isEqualTo(300);
        BufferedImage handed = TesseractEngine.toGray(scan.image());
        assertThat(handed.getWidth()).isEqualTo(stored.getWidth());
        assertThat(handed.getHeight()).isEqualTo(stored.getHeight());
        assertThat(Arrays.mismatch(pixels(handed), pixels(stored))).as("page %d: first pixel that differs", p + 1)
            .isEqualTo(-1);
      }
    }
  }

  @Test
  void aScanReadsAsTheTesseractCliReadsItsOwnPixels() throws Exception {
    OcrSettings settings = OcrSettings.defaults();
    Path tessdata = TesseractSetup.tessdataDir(settings);
    assumeTrue(cli("tesseract", "--version").exit() == 0, "the tesseract command line is not installed");
    Path pdf = dir.resolve("scan.pdf");
    // 1-bit Flate (a scanner's fax mode) and 8-bit gray JPEG (a copier): both read without rendering.
    SamplePdfs.write(pdf, List.of(new SamplePage(Style.SCANNED, LINES), new SamplePage(Style.SCANNED_GRAY, LINES)),
        7);
    List<String> clerk = new ArrayList<>();
    new DocumentOcr(settings).ocr(pdf, 1, (n, text, method) -> clerk.add(text));

    try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
      for (int p = 0; p < 2; p++) {
        Path pgm = dir.resolve("page-" + p + ".pgm");
        writePgm(scanPixels(document.getPage(p)), pgm);
        // What clerk runs: segmentation with orientation detection when osd is installed.
        String psm = TesseractSetup.hasLanguages(tessdata, "osd") ? "1" : "3";
        Run tesseract = cli("tesseract", pgm.toString(), "stdout", "--tessdata-dir", tessdata.toString(),
            "-l", settings.lang(), "--psm", psm, "--dpi", "300", "quiet");

        assertThat(tesseract.exit()).isZero();
        assertThat(normalise(clerk.get(p))).as("page %d", p + 1).isNotBlank().isEqualTo(normalise(tesseract.out()));
      }
    }
  }

  /** The page's one image as stored, decoded by PDFBox (not clerk's reading of it), in gray. */
  private static BufferedImage scanPixels(PDPage page) throws IOException {
    COSName name = page.getResources().getXObjectNames().iterator().next();
    BufferedImage image = ((PDImageXObject) page.getResources().getXObject(name)).getImage();
    BufferedImage gray = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    var g = gray.createGraphics();
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return gray;
  }

  private static byte[] pixels(BufferedImage gray) {
    byte[] all = new byte[gray.getWidth() * gray.getHeight()];
    gray.getRaster().getDataElements(0, 0, gray.getWidth(), gray.getHeight(), all);
    return all;
  }

  private static void writePgm(BufferedImage gray, Path file) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(("P5\n" + gray.getWidth() + " " + gray.getHeight() + "\n255\n").getBytes(StandardCharsets.US_ASCII));
    byte[] row = new byte[gray.getWidth()];
    for (int y = 0; y < gray.getHeight(); y++) {
      gray.getRaster().getDataElements(0, y, gray.getWidth(), 1, row);
      out.write(row);
    }
    Files.write(file, out.toByteArray());
  }

  private record Run(int exit, String out) {}

  /** Runs a command to its end: its exit status (-1 when it cannot start) and standard output. */
  private static Run cli(String... command) throws InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("OMP_THREAD_LIMIT", "1");
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Run(process.waitFor(), out);
    } catch (IOException e) {
      return new Run(-1, "");
    }
  }
}
