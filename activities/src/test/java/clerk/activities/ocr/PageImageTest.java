package clerk.activities.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.CCITTFactory;
import org.apache.pdfbox.pdmodel.graphics.image.JPEGFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which pages are read straight from their image, and which must be rendered. */
class PageImageTest {
  /** The text colour of BenchPages' MRC pages. */
  private static final Color INK = new Color(0.08f, 0.08f, 0.1f);
  private static final List<String> LINES = List.of("1. CALL TO ORDER", "Mayor Ashcraft convened the meeting.");

  @TempDir Path dir;

  PageImage.Scan scanOf(Style style) throws IOException {
    Path pdf = dir.resolve(style + ".pdf");
    SamplePdfs.write(pdf, List.of(new SamplePage(style, LINES)), 7);
    try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
      return PageImage.fullPageImage(document.getPage(0), DocumentOcr.MAX_PAGE_PIXELS, 450);
    }
  }

  @Test
  void aFullPageScanIsReadAtItsOwnResolution() throws IOException {
    for (Style style : List.of(Style.SCANNED, Style.SCANNED_GRAY, Style.SCANNED_SIDEWAYS)) {
      PageImage.Scan scan = scanOf(style);
      assertThat(scan).as(style.name()).isNotNull();
      assertThat(scan.dpi()).as(style.name()).isEqualTo(SamplePdfs.SCAN_DPI);
    }
  }

  @Test
  void aGrayScanIsReadAsOneBytePerPixelWithTheSamePixels() throws IOException {
    Path pdf = dir.resolve("gray.pdf");
    SamplePdfs.write(pdf, List.of(new SamplePage(Style.SCANNED_GRAY, LINES)), 7);
    try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
      PageImage.Scan scan = PageImage.fullPageImage(document.getPage(0), DocumentOcr.MAX_PAGE_PIXELS, 450);
      assertThat(scan.image().getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
      PDImageXObject xobject = (PDImageXObject) document.getPage(0).getResources()
          .getXObject(document.getPage(0).getResources().getXObjectNames().iterator().next());
      BufferedImage rgb = xobject.getImage();
      assertThat(rgb.getType()).as("what PDFBox would have handed over").isEqualTo(BufferedImage.TYPE_INT_RGB);
      int dark = 0;
      for (int y = 0; y < rgb.getHeight(); y++) {
        for (int x = 0; x < rgb.getWidth(); x++) {
          int gray = scan.image().getRaster().getSample(x, y, 0);
          assertThat(gray).isEqualTo(rgb.getRGB(x, y) & 0xff);
          dark += gray < 128 ? 1 : 0;
        }
      }
      assertThat(dark).as("the page has text").isPositive();
    }
  }

  @Test
  void pagesThatNeedTheRendererAreLeftToIt() throws IOException {
    // Turned by /Rotate: the renderer turns it upright.
    assertThat(scanOf(Style.SCANNED_ROTATE_ATTR)).isNull();
    // Text drawn on the page.
    assertThat(scanOf(Style.DIGITAL)).isNull();
  }

  @Test
  void aScanFinerThanNeededIsRenderedDownToTheConfiguredResolution() throws IOException {
    Path pdf = dir.resolve("fine.pdf");
    SamplePdfs.write(pdf, List.of(new SamplePage(Style.SCANNED, LINES)), 7);
    try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
      // 300 dpi scan, 150 dpi configured (so at most 225 dpi used as it is).
      assertThat(PageImage.fullPageImage(document.getPage(0), DocumentOcr.MAX_PAGE_PIXELS, 225)).isNull();
    }
  }

  @Test
  void aScanWithTextDrawnOverItIsRendered() throws IOException {
    Path pdf = dir.resolve("stamped.pdf");
    SamplePdfs.write(pdf, List.of(new SamplePage(Style.SCANNED, LINES)), 7);
    try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
      try (PDPageContentStream out = new PDPageContentStream(document, document.getPage(0),
          PDPageContentStream.AppendMode.APPEND, true)) {
        out.beginText();
        out.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 9);
        out.newLineAtOffset(500, 20);
        out.showText("RECEIVED");
        out.endText();
      }
      assertThat(PageImage.fullPageImage(document.getPage(0), DocumentOcr.MAX_PAGE_PIXELS, 450)).isNull();
    }
  }

  /** A 300 dpi letter page of text, 1-bit: the text layer of an MRC page. */
  private static BufferedImage textLayer() {
    BufferedImage text = new BufferedImage(2550, 3300, BufferedImage.TYPE_BYTE_BINARY);
    Graphics2D g = text.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, text.getWidth(), text.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SERIF, Font.PLAIN, 50));
      for (int i = 0; i < LINES.size(); i++) {
        g.drawString(LINES.get(i), 300, 300 + 80 * i);
      }
    } finally {
      g.dispose();
    }
    return text;
  }

  /**
   * A copier's MRC page, as BenchPages writes one: a 100 dpi colour JPEG background (dark enough to
   * show in a rendering) and over it {@code mask} as a 1-bit /ImageMask painted in {@code fill},
   * drawn {@code maskHeight} points high from the bottom, then {@code more} added to the page.
   */
  private PDDocument mrc(BufferedImage mask, float maskHeight, Color fill, String more) throws IOException {
    PDDocument document = new PDDocument();
    PDRectangle letter = PDRectangle.LETTER;
    PDPage page = new PDPage(letter);
    document.addPage(page);
    BufferedImage paper = new BufferedImage(850, 1100, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = paper.createGraphics();
    g.setColor(new Color(150, 140, 120));
    g.fillRect(0, 0, paper.getWidth(), paper.getHeight());
    g.dispose();
    PDImageXObject text = CCITTFactory.createFromImage(document, mask);
    text.getCOSObject().setBoolean(COSName.IMAGE_MASK, true);
    text.getCOSObject().removeItem(COSName.COLORSPACE);
    text.getCOSObject().removeItem(COSName.DECODE);
    try (PDPageContentStream out = new PDPageContentStream(document, page)) {
      out.drawImage(JPEGFactory.createFromImage(document, paper, 0.6f), 0, 0, letter.getWidth(), letter.getHeight());
      out.setNonStrokingColor(fill);
      out.drawImage(text, 0, 0, letter.getWidth(), maskHeight);
      out.appendRawCommands(more);
    }
    return document;
  }

  private static PageImage.Scan scanOf(PDDocument document) throws IOException {
    return PageImage.fullPageImage(document.getPage(0), DocumentOcr.MAX_PAGE_PIXELS, 450);
  }

  @Test
  void anMrcPageIsReadFromItsTextLayerAloneInBlackOnWhite() throws IOException {
    BufferedImage mask = textLayer();
    try (PDDocument document = mrc(mask, PDRectangle.LETTER.getHeight(), INK, "")) {
      PageImage.Scan scan = scanOf(document);
      assertThat(scan).as("read from the mask, not rendered").isNotNull();
      assertThat(scan.dpi()).isEqualTo(300);
      assertThat(scan.image().getWidth()).isEqualTo(mask.getWidth());
      assertThat(scan.image().getHeight()).isEqualTo(mask.getHeight());
      int text = 0;
      for (int y = 0; y < mask.getHeight(); y++) {
        for (int x = 0; x < mask.getWidth(); x++) {
          boolean black = (mask.getRGB(x, y) & 0xff) == 0;
          assertThat(scan.image().getRaster().getSample(x, y, 0)).isEqualTo(black ? 0 : 255);
          text += black ? 1 : 0;
        }
      }
      assertThat(text).as("the page has text").isPositive();
    }
  }

  @Test
  void pagesThatOnlyLookLikeMrcAreRendered() throws IOException {
    float height = PDRectangle.LETTER.getHeight();
    // The mask over half the page.
    try (PDDocument document = mrc(textLayer(), height / 2, INK, "")) {
      assertThat(scanOf(document)).isNull();
    }
    // Text drawn over it.
    try (PDDocument document = mrc(textLayer(), height, INK, "BT /F1 9 Tf 500 20 Td (RECEIVED) Tj ET\n")) {
      assertThat(scanOf(document)).isNull();
    }
    // A second mask (Acrobat writes one per text colour).
    try (PDDocument document = mrc(textLayer(), height, INK, "q 612 0 0 792 0 0 cm /Im2 Do Q\n")) {
      assertThat(scanOf(document)).isNull();
    }
    // Painted in white: not text to read in black.
    try (PDDocument document = mrc(textLayer(), height, Color.WHITE, "")) {
      assertThat(scanOf(document)).isNull();
    }
    // A mask no finer than the background: rendering loses nothing.
    BufferedImage coarse = new BufferedImage(850, 1100, BufferedImage.TYPE_BYTE_BINARY);
    try (PDDocument document = mrc(coarse, height, INK, "")) {
      assertThat(scanOf(document)).isNull();
    }
  }
}
