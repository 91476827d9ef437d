package clerk.activities.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.activities.sample.SamplePdfs;
import clerk.activities.sample.SamplePdfs.SamplePage;
import clerk.activities.sample.SamplePdfs.Style;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which pages are read straight from their image, and which must be rendered. */
class PageImageTest {
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
}
