package clerk.activities.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays bounded on long documents: a 120-page scan (each page decodes to an 8 MB gray image,
 * 1 GB if they were kept) is OCRed in a separate JVM with a 64 MB heap, about what a 5-page document
 * needs (measured: 48 MB is enough for five pages, 16 MB is not enough for one).
 */
class LargeDocumentMemoryTest {
  static final int PAGES = 120;
  static final String HEAP = "-Xmx64m";

  @TempDir Path dir;

  @Test
  void aLongScannedDocumentIsReadInTheHeapOfAShortOne() throws Exception {
    Path pdf = dir.resolve("long.pdf");
    writeScan(pdf, PAGES);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, HEAP, "-cp", System.getProperty("java.class.path"),
        Child.class.getName(), pdf.toString())
        .redirectErrorStream(true)
        .start();
    child.getOutputStream().close();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(out).doesNotContain("OutOfMemoryError");
    assertThat(child.exitValue()).as(out).isZero();
    assertThat(out).contains("pages=" + PAGES);
  }

  /** The same 1-bit full-page scan (300 dpi) on every page: a small file, a large decoded image. */
  static void writeScan(Path pdf, int pages) throws IOException {
    BufferedImage image = new BufferedImage(2550, 3300, BufferedImage.TYPE_BYTE_BINARY);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 50));
    g.drawString("ITEM 7. ADJOURNMENT", 300, 300);
    g.dispose();
    try (PDDocument document = new PDDocument()) {
      PDImageXObject xobject = LosslessFactory.createFromImage(document, image);
      for (int p = 0; p < pages; p++) {
        PDPage page = new PDPage(PDRectangle.LETTER);
        document.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(document, page)) {
          content.drawImage(xobject, 0, 0, PDRectangle.LETTER.getWidth(), PDRectangle.LETTER.getHeight());
        }
      }
      document.save(pdf.toFile());
    }
  }

  /** Runs in the small-heap JVM: OCRs every page, keeping only a count. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      AtomicInteger pages = new AtomicInteger();
      new DocumentOcr(OcrSettings.defaults()).ocr(Path.of(args[0]), 1, (n, text, method) -> pages.incrementAndGet());
      System.out.println("pages=" + pages.get() + " maxHeap=" + Runtime.getRuntime().maxMemory() / (1 << 20) + "MB");
    }
  }
}
