package clerk.activities.ocr;

import static clerk.activities.sample.TextDistance.cer;
import static clerk.activities.sample.TextDistance.normalise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import clerk.activities.BadDocumentException;
import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.pdfbox.pdmodel.graphics.color.PDDeviceGray;
import org.apache.pdfbox.cos.COSName;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real PDFs made at test time, real PDFBox, real Tesseract (installed by bin/install-tesseract). */
class DocumentOcrTest {
  private static final List<String> MOTION =
      List.of(
          "2. CONSENT CALENDAR",
          "Motion by Councilmember Daysog, seconded by Councilmember",
          "Herrera Spencer, to approve the Consent Calendar. Motion carried",
          "by the following vote: AYES: Councilmembers Daysog, Herrera",
          "Spencer, Jensen, Vella and Mayor Ashcraft (5). NOES: None.",
          "ABSENT: None.");
  private static final List<String> ADJOURNMENT =
      List.of(
          "4. ADJOURNMENT",
          "There being no further business, Mayor Ashcraft adjourned the",
          "meeting at 9:14 p.m.");
  private static final List<String> ROLL_CALL =
      List.of(
          "CITY OF ALAMEDA",
          "MINUTES OF THE REGULAR CITY COUNCIL MEETING",
          "1. CALL TO ORDER AND ROLL CALL",
          "Mayor Ashcraft convened the meeting at 7:02 p.m. Present:",
          "Councilmembers Daysog, Herrera Spencer, Jensen, Vella and Mayor",
          "Ashcraft (5). Absent: None.");

  @TempDir Path dir;

  private final DocumentOcr ocr = new DocumentOcr(OcrSettings.defaults());

  @Test
  void textLayerPageGivesExactTextWithoutTesseract() throws IOException {
    Path pdf = pdf("digital.pdf", page(Style.DIGITAL, MOTION));
    // Tesseract could not even start with this tessdata: the text must come from the text layer.
    var noTesseract = new OcrSettings("eng", 300, dir.resolve("no-tessdata"), false);

    Pages pages = run(new DocumentOcr(noTesseract), pdf, 1);

    assertThat(pages.methods).containsExactly(PageMethod.TEXT_LAYER);
    assertThat(normalise(pages.texts.get(0))).isEqualTo(normalise(String.join("\n", MOTION)));
    assertThat(pages.summary).isEqualTo(new OcrSummary(1, 1, 0, List.of()));
  }

  @Test
  void scannedPageIsReadByTesseract() throws IOException {
    Path pdf = pdf("scanned.pdf", page(Style.SCANNED, MOTION));

    Pages pages = run(ocr, pdf, 1);

    assertThat(pages.methods).containsExactly(PageMethod.TESSERACT);
    assertThat(cer(String.join("\n", MOTION), pages.texts.get(0))).isLessThan(0.05);
    assertThat(pages.summary.describe()).isEqualTo("0 text layer, 1 tesseract");
  }

  @Test
  void mixedDocumentIsDecidedPerPage() throws IOException {
    Path pdf =
        pdf(
            "mixed.pdf",
            page(Style.DIGITAL, ROLL_CALL),
            page(Style.DIGITAL, MOTION),
            page(Style.SCANNED_GRAY, ADJOURNMENT));

    Pages pages = run(ocr, pdf, 1);

    assertThat(pages.numbers).containsExactly(1, 2, 3);
    assertThat(pages.methods)
        .containsExactly(PageMethod.TEXT_LAYER, PageMethod.TEXT_LAYER, PageMethod.TESSERACT);
    assertThat(normalise(pages.texts.get(1))).isEqualTo(normalise(String.join("\n", MOTION)));
    assertThat(cer(String.join("\n", ADJOURNMENT), pages.texts.get(2))).isLessThan(0.05);
    assertThat(pages.summary.describe()).isEqualTo("2 text layer, 1 tesseract");
  }

  @Test
  void rotatedScansReadCorrectly() throws IOException {
    // Page 1: pixels turned 90 degrees (fed sideways), Tesseract's orientation detection fixes it.
    // Page 2: image stored turned with /Rotate 90, the renderer fixes it.
    Path pdf =
        pdf(
            "rotated.pdf",
            page(Style.SCANNED_SIDEWAYS, MOTION),
            page(Style.SCANNED_ROTATE_ATTR, ROLL_CALL));

    Pages pages = run(ocr, pdf, 1);

    assertThat(pages.methods).containsOnly(PageMethod.TESSERACT);
    assertThat(cer(String.join("\n", MOTION), pages.texts.get(0))).isLessThan(0.05);
    assertThat(cer(String.join("\n", ROLL_CALL), pages.texts.get(1))).isLessThan(0.05);
  }

  @Test
  void firstPageSkipsEarlierPages() throws IOException {
    Path pdf =
        pdf(
            "resume.pdf",
            page(Style.DIGITAL, ROLL_CALL),
            page(Style.DIGITAL, MOTION),
            page(Style.DIGITAL, ADJOURNMENT));

    Pages pages = run(ocr, pdf, 3);
    Pages none = run(ocr, pdf, 4);

    assertThat(pages.numbers).containsExactly(3);
    assertThat(normalise(pages.texts.get(0))).isEqualTo(normalise(String.join("\n", ADJOURNMENT)));
    assertThat(pages.summary.pages()).isEqualTo(1);
    assertThat(none.numbers).isEmpty();
    assertThat(none.summary.pages()).isZero();
  }

  @Test
  void forceOcrReadsTextLayerPagesWithTesseract() throws IOException {
    Path pdf = pdf("digital.pdf", page(Style.DIGITAL, MOTION));

    Pages pages = run(new DocumentOcr(OcrSettings.defaults().withForceOcr(true)), pdf, 1);

    assertThat(pages.methods).containsExactly(PageMethod.TESSERACT);
    assertThat(cer(String.join("\n", MOTION), pages.texts.get(0))).isLessThan(0.05);
  }

  @Test
  void aPageTesseractCannotFinishInTimeFailsTheDocumentNamingThePage() throws IOException {
    Path pdf = pdf("slow.pdf", page(Style.DIGITAL, MOTION), page(Style.SCANNED_GRAY, ROLL_CALL));
    // One millisecond stands in for a page that hangs: Tesseract's own deadline cuts it off.
    DocumentOcr impatient = new DocumentOcr(
        OcrSettings.defaults().withPageTimeout(java.time.Duration.ofMillis(1)));
    List<Integer> written = new ArrayList<>();

    assertThatThrownBy(() -> impatient.ocr(pdf, 1, (n, text, method) -> written.add(n)))
        .isInstanceOf(BadDocumentException.class)
        .hasMessageContaining("slow.pdf")
        .hasMessageContaining("page 2: Tesseract gave up after");
    assertThat(written).as("pages before the hung one are kept").containsExactly(1);

    // The engine it used is still good for the next page.
    List<String> texts = new ArrayList<>();
    ocr.ocr(pdf, 2, (n, text, method) -> texts.add(text));
    assertThat(cer(String.join("\n", ROLL_CALL), texts.get(0))).isLessThan(0.05);
  }

  @Test
  void ocrStopsBeforeTheNextPageWhenAskedTo() throws IOException {
    Path pdf = pdf("stop.pdf", page(Style.DIGITAL, ROLL_CALL), page(Style.DIGITAL, MOTION));
    List<Integer> written = new ArrayList<>();

    assertThatThrownBy(() -> ocr.ocr(pdf, 1, (n, text, method) -> written.add(n), () -> !written.isEmpty()))
        .isInstanceOf(java.util.concurrent.CancellationException.class);
    assertThat(written).containsExactly(1);
  }

  @Test
  void tesseractStopsInTheMiddleOfAPageWhenAskedToAndItsEngineStaysGood() throws IOException {
    Path pdf = pdf("stop-scan.pdf", page(Style.SCANNED, MOTION));
    // Asked once before the page, then by Tesseract between words: the third time says stop.
    int[] asked = {0};
    List<Integer> written = new ArrayList<>();

    assertThatThrownBy(() -> ocr.ocr(pdf, 1, (n, text, method) -> written.add(n), () -> ++asked[0] > 2))
        .isInstanceOf(java.util.concurrent.CancellationException.class)
        .hasMessageContaining("Tesseract stopped");
    assertThat(written).isEmpty();

    Pages again = run(ocr, pdf, 1);
    assertThat(cer(String.join("\n", MOTION), again.texts.get(0))).isLessThan(0.05);
  }

  @Test
  void blankScanIsReportedAsSuspicious() throws IOException {
    Path pdf = dir.resolve("blank-scan.pdf");
    try (PDDocument document = new PDDocument()) {
      PDPage page = new PDPage(PDRectangle.LETTER);
      document.addPage(page);
      var white = new java.awt.image.BufferedImage(850, 1100,
          java.awt.image.BufferedImage.TYPE_BYTE_BINARY);
      var g = white.createGraphics();
      g.setColor(java.awt.Color.WHITE);
      g.fillRect(0, 0, 850, 1100);
      g.dispose();
      try (var content = new PDPageContentStream(document, page)) {
        content.drawImage(LosslessFactory.createFromImage(document, white), 0, 0, 612, 792);
      }
      document.save(pdf.toFile());
    }

    Pages pages = run(ocr, pdf, 1);

    assertThat(pages.texts.get(0)).isBlank();
    assertThat(pages.summary.warnings()).singleElement().asString().startsWith("page 1:");
  }

  @Test
  void enginesAreSharedSafelyBetweenThreads() throws Exception {
    Path first = pdf("first.pdf", page(Style.SCANNED, MOTION));
    Path second = pdf("second.pdf", page(Style.SCANNED, ROLL_CALL));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Pages> a = pool.submit(() -> run(ocr, first, 1));
      Future<Pages> b = pool.submit(() -> run(ocr, second, 1));

      assertThat(cer(String.join("\n", MOTION), a.get().texts.get(0))).isLessThan(0.05);
      assertThat(cer(String.join("\n", ROLL_CALL), b.get().texts.get(0))).isLessThan(0.05);
    } finally {
      pool.shutdownNow();
    }
  }

  // --- bad input ---------------------------------------------------------------------------

  @Test
  void zeroByteFileIsBad() throws IOException {
    Path pdf = Files.write(dir.resolve("empty.pdf"), new byte[0]);

    assertBad(pdf, "empty file");
  }

  @Test
  void htmlNamedPdfIsBad() throws IOException {
    Path pdf =
        Files.writeString(dir.resolve("not-found.pdf"), "<!DOCTYPE html><html>404 Not Found</html>");

    assertBad(pdf, "not a PDF");
  }

  @Test
  void encryptedPdfIsBad() throws IOException {
    Path plain = pdf("plain.pdf", page(Style.DIGITAL, MOTION));
    Path pdf = dir.resolve("locked.pdf");
    try (PDDocument document = Loader.loadPDF(plain.toFile())) {
      var policy = new StandardProtectionPolicy("owner-secret", "user-secret", new AccessPermission());
      policy.setEncryptionKeyLength(128);
      document.protect(policy);
      document.save(pdf.toFile());
    }

    assertBad(pdf, "encrypted");
  }

  @Test
  void truncatedPdfIsBad() throws IOException {
    Path whole = pdf("whole.pdf", page(Style.DIGITAL, ROLL_CALL), page(Style.DIGITAL, MOTION));
    byte[] bytes = Files.readAllBytes(whole);
    Path pdf = Files.write(dir.resolve("half.pdf"), Arrays.copyOf(bytes, bytes.length / 2));

    assertBad(pdf, "truncated");
  }

  @Test
  void garbageBetweenHeaderAndEndIsBad() throws IOException {
    byte[] garbage = new byte[3000];
    new java.util.Random(7).nextBytes(garbage);
    Path pdf = dir.resolve("garbage.pdf");
    Files.write(pdf, "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII));
    Files.write(pdf, garbage, java.nio.file.StandardOpenOption.APPEND);
    Files.write(pdf, "\n%%EOF\n".getBytes(StandardCharsets.US_ASCII),
        java.nio.file.StandardOpenOption.APPEND);

    assertBad(pdf, "corrupt");
  }

  @Test
  void pdfWithoutPagesIsBad() throws IOException {
    Path pdf = dir.resolve("no-pages.pdf");
    try (PDDocument document = new PDDocument()) {
      document.save(pdf.toFile());
    }

    assertBad(pdf, "no pages");
  }

  @Test
  void absurdPageSizeIsRefused() throws IOException {
    Path pdf = dir.resolve("billboard.pdf");
    try (PDDocument document = new PDDocument()) {
      PDPage page = new PDPage(new PDRectangle(14_400, 14_400)); // 200 x 200 inches
      document.addPage(page);
      var dot = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
      try (var content = new PDPageContentStream(document, page)) {
        content.drawImage(LosslessFactory.createFromImage(document, dot), 0, 0, 14_400, 14_400);
      }
      document.save(pdf.toFile());
    }

    assertBad(pdf, "megapixels");
  }

  // --- images too large to decode: refused from what they declare, in the normal test heap ---

  @Test
  void aHugeImageDrawnSmallIsRefusedBeforeItIsDecoded() throws IOException {
    // 40000 x 40000 1-bit pixels (200 MB raw, 6.4 GB as PDFBox's RGB) that deflate to 200 KB.
    Path pdf = pageWith(dir.resolve("huge-flate.pdf"), document -> new PDImageXObject(document,
        new ByteArrayInputStream(deflatedZeros(40_000 / 8, 40_000)), COSName.FLATE_DECODE, 40_000, 40_000, 1,
        PDDeviceGray.INSTANCE), 72);

    assertThat(Files.size(pdf)).isLessThan(1_000_000);
    assertBad(pdf, "page 1 holds a 40000 x 40000 image (1600 megapixels): decoding it would take 6400 MB,"
        + " more than the 400 MB a page may use; refusing to OCR it");
  }

  @Test
  void aJpegWhoseHeaderDeclaresAHugeImageIsRefusedWhateverItsDictionarySays() throws IOException {
    // The dictionary says 100 x 100; the JPEG decoder would size its raster by the header's 40000 x 40000.
    for (float width : new float[] {612, 72}) { // a full-page scan (read as it is), a small picture (rendered)
      Path pdf = pageWith(dir.resolve("huge-jpeg-" + (int) width + ".pdf"), document -> new PDImageXObject(
          document, new ByteArrayInputStream(jpegDeclaring(40_000, 40_000)), COSName.DCT_DECODE, 100, 100, 8,
          PDDeviceGray.INSTANCE), width);

      assertBad(pdf, "page 1 holds a 40000 x 40000 image (1600 megapixels)");
    }
  }

  @Test
  void aCcittScanOfAHugePageIsRefused() throws IOException {
    // A Group 4 stream of 40000 white rows, one bit each: 5 KB.
    byte[] g4 = new byte[40_000 / 8 + 3];
    Arrays.fill(g4, 0, 40_000 / 8, (byte) 0xff);
    g4[g4.length - 3] = 0x00;
    g4[g4.length - 2] = 0x10;
    g4[g4.length - 1] = 0x01; // EOFB
    Path pdf = pageWith(dir.resolve("huge-ccitt.pdf"), document -> {
      PDImageXObject image = new PDImageXObject(document, new ByteArrayInputStream(g4),
          COSName.CCITTFAX_DECODE, 40_000, 40_000, 1, PDDeviceGray.INSTANCE);
      org.apache.pdfbox.cos.COSDictionary parms = new org.apache.pdfbox.cos.COSDictionary();
      parms.setInt(COSName.K, -1);
      parms.setInt(COSName.COLUMNS, 40_000);
      parms.setInt(COSName.ROWS, 40_000);
      image.getCOSObject().setItem(COSName.DECODE_PARMS, parms);
      return image;
    }, 612);

    assertBad(pdf, "page 1 holds a 40000 x 40000 image");
  }

  @FunctionalInterface
  private interface ImageMaker {
    PDImageXObject make(PDDocument document) throws IOException;
  }

  /** A letter page with nothing on it but the image, drawn {@code width} points wide from the corner. */
  private static Path pageWith(Path pdf, ImageMaker image, float width) throws IOException {
    try (PDDocument document = new PDDocument()) {
      PDPage page = new PDPage(PDRectangle.LETTER);
      document.addPage(page);
      float height = width == 612 ? 792 : width;
      try (var content = new PDPageContentStream(document, page)) {
        content.drawImage(image.make(document), 0, 0, width, height);
      }
      document.save(pdf.toFile());
    }
    return pdf;
  }

  /** {@code rows} rows of {@code rowBytes} zero bytes, deflated a row at a time. */
  private static byte[] deflatedZeros(int rowBytes, int rows) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (var deflate = new java.util.zip.DeflaterOutputStream(out)) {
      byte[] row = new byte[rowBytes];
      for (int i = 0; i < rows; i++) {
        deflate.write(row);
      }
    }
    return out.toByteArray();
  }

  /** A small gray JPEG whose frame header (SOF0) is rewritten to declare {@code width x height}. */
  private static byte[] jpegDeclaring(int width, int height) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(16, 16,
        java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "jpeg", out);
    byte[] jpeg = out.toByteArray();
    for (int i = 2; i + 8 < jpeg.length; i++) {
      if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
        jpeg[i + 5] = (byte) (height >> 8);
        jpeg[i + 6] = (byte) height;
        jpeg[i + 7] = (byte) (width >> 8);
        jpeg[i + 8] = (byte) width;
        return jpeg;
      }
    }
    throw new IllegalStateException("no SOF0 marker in the JPEG ImageIO wrote");
  }

  @Test
  void textLayerHeuristics() {
    assertThat(DocumentOcr.usable("Page 3")).isFalse();
    assertThat(DocumentOcr.usable("~~~ ... --- ||| ### @@@ !!! ??? ***")).isFalse();
    assertThat(DocumentOcr.usable("Motion carried by the following vote")).isTrue();
    assertThat(DocumentOcr.usable("Consent Calendar and Highways .................................. 3")).isTrue();
    assertThat(DocumentOcr.usable("Consent Calendar and Highways . . . . . . . . . . . . . . . . . 3")).isTrue();
    assertThat(DocumentOcr.usable("..................................... 3")).isFalse();
    assertThat(DocumentOcr.tidy("a  \r\n\r\n\r\n\fb\n")).isEqualTo("a\n\nb");
  }

  // --- helpers -------------------------------------------------------------------------------

  private void assertBad(Path pdf, String problem) {
    assertThatThrownBy(() -> ocr.ocr(pdf, 1, (n, text, method) -> {}))
        .isInstanceOf(BadDocumentException.class)
        .hasMessageContaining(pdf.getFileName().toString())
        .hasMessageContaining(problem);
  }

  private static SamplePage page(Style style, List<String> lines) {
    return new SamplePage(style, lines);
  }

  private Path pdf(String name, SamplePage... pages) throws IOException {
    Path pdf = dir.resolve(name);
    SamplePdfs.write(pdf, List.of(pages), 42);
    return pdf;
  }

  private record Pages(
      List<Integer> numbers, List<String> texts, List<PageMethod> methods, OcrSummary summary) {}

  private static Pages run(DocumentOcr ocr, Path pdf, int firstPage) throws IOException {
    List<Integer> numbers = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<PageMethod> methods = new ArrayList<>();
    OcrSummary summary =
        ocr.ocr(
            pdf,
            firstPage,
            (number, text, method) -> {
              numbers.add(number);
              texts.add(text);
              methods.add(method);
            });
    return new Pages(numbers, texts, methods, summary);
  }
}
