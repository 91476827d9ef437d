package clerk.activities.sample;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.JPEGFactory;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * Writes PDFs whose text is known, the way cities publish them: born-digital pages with a text
 * layer, and scanned pages that are nothing but an image (rendered with Java2D at 300 dpi, 12 pt
 * type, a little noise and skew). Used by the demo and by tests; tests make their PDFs with this at
 * test time instead of committing binary fixtures.
 */
public final class SamplePdfs {
  /** Scans are made at this resolution; 12 pt type is then 50 pixels high. */
  public static final int SCAN_DPI = 300;

  private static final float FONT_SIZE = 12;
  private static final float LEADING = 18;
  private static final float MARGIN = 72;

  /** How a page is made. */
  public enum Style {
    /** Text drawn with a Standard 14 font: the page has a text layer. */
    DIGITAL,
    /** A 1-bit scan (lossless, like a fax-mode office scanner); no text layer. */
    SCANNED,
    /** A gray JPEG scan with a tinted background; no text layer. */
    SCANNED_GRAY,
    /** A 1-bit scan fed in sideways: pixels turned 90 degrees, no /Rotate to fix it. */
    SCANNED_SIDEWAYS,
    /** A 1-bit scan stored turned, with /Rotate 90 so viewers (and PDFBox) show it upright. */
    SCANNED_ROTATE_ATTR;

    public boolean scanned() {
      return this != DIGITAL;
    }
  }

  /**
   * One page: its style and its lines, already wrapped (at most about 64 characters fit). Blank
   * lines separate paragraphs.
   */
  public record SamplePage(Style style, List<String> lines) {
    public SamplePage {
      lines = List.copyOf(lines);
    }

    /** The text a reader sees: lines joined with {@code \n}. */
    public String text() {
      return String.join("\n", lines);
    }
  }

  private SamplePdfs() {}

  /** Writes {@code pages} to {@code out} (parent directories are created). */
  public static void write(Path out, List<SamplePage> pages, long seed) throws IOException {
    Random random = new Random(seed);
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (PDDocument document = new PDDocument()) {
      for (SamplePage page : pages) {
        if (page.style() == Style.DIGITAL) {
          addDigitalPage(document, page.lines());
        } else {
          addScannedPage(document, page, random);
        }
      }
      document.save(out.toFile());
    }
  }

  /** A damaged download: a PDF header, the start of an object, then garbage and no end. */
  public static void writeCorrupt(Path out, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] garbage = new byte[4096];
    random.nextBytes(garbage);
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (OutputStream stream = Files.newOutputStream(out)) {
      stream.write("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R".getBytes());
      stream.write(garbage);
    }
  }

  private static void addDigitalPage(PDDocument document, List<String> lines) throws IOException {
    PDPage page = new PDPage(PDRectangle.LETTER);
    document.addPage(page);
    PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    try (PDPageContentStream content = new PDPageContentStream(document, page)) {
      float y = page.getMediaBox().getHeight() - MARGIN;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (!line.isBlank()) {
          content.beginText();
          content.setFont(i == 0 ? bold : regular, FONT_SIZE);
          content.newLineAtOffset(MARGIN, y);
          content.showText(line);
          content.endText();
        }
        y -= LEADING;
      }
    }
  }

  private static void addScannedPage(PDDocument document, SamplePage sample, Random random)
      throws IOException {
    Style style = sample.style();
    BufferedImage upright = scan(sample.lines(), style == Style.SCANNED_GRAY, random);
    BufferedImage stored =
        switch (style) {
          case SCANNED_SIDEWAYS -> turn(upright, true);
          case SCANNED_ROTATE_ATTR -> turn(upright, false);
          default -> upright;
        };
    PDImageXObject image =
        style == Style.SCANNED_GRAY
            ? JPEGFactory.createFromImage(document, stored, 0.8f)
            : LosslessFactory.createFromImage(document, toBinary(stored));
    boolean landscape = stored.getWidth() > stored.getHeight();
    PDRectangle letter = PDRectangle.LETTER;
    PDRectangle box =
        landscape ? new PDRectangle(letter.getHeight(), letter.getWidth()) : letter;
    PDPage page = new PDPage(box);
    if (style == Style.SCANNED_ROTATE_ATTR) {
      page.setRotation(90);
    }
    document.addPage(page);
    try (PDPageContentStream content = new PDPageContentStream(document, page)) {
      content.drawImage(image, 0, 0, box.getWidth(), box.getHeight());
    }
  }

  /** A Letter page at 300 dpi in gray: type, a slight skew, dust specks. */
  private static BufferedImage scan(List<String> lines, boolean tinted, Random random) {
    int width = (int) (8.5 * SCAN_DPI);
    int height = 11 * SCAN_DPI;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(tinted ? new Color(236, 236, 236) : Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(new Color(20, 20, 20));
      int px = Math.round(FONT_SIZE * SCAN_DPI / 72f);
      int leading = Math.round(LEADING * SCAN_DPI / 72f);
      int margin = SCAN_DPI;
      g.rotate(Math.toRadians((random.nextDouble() - 0.5) * 0.8), width / 2.0, height / 2.0);
      Font serif = new Font(Font.SERIF, Font.PLAIN, px);
      Font sans = new Font(Font.SANS_SERIF, Font.PLAIN, px);
      g.setFont(tinted ? sans : serif);
      int y = margin + px;
      for (String line : lines) {
        g.drawString(line, margin, y);
        y += leading;
      }
    } finally {
      g.dispose();
    }
    speckle(image, random);
    return image;
  }

  private static void speckle(BufferedImage image, Random random) {
    int specks = image.getWidth() * image.getHeight() / 30000;
    for (int i = 0; i < specks; i++) {
      int x = random.nextInt(image.getWidth() - 2);
      int y = random.nextInt(image.getHeight() - 2);
      int size = 1 + random.nextInt(2);
      int gray = random.nextInt(90);
      for (int dx = 0; dx < size; dx++) {
        for (int dy = 0; dy < size; dy++) {
          image.getRaster().setSample(x + dx, y + dy, 0, gray);
        }
      }
    }
  }

  /** Turns a gray image a quarter: clockwise, or counter-clockwise. */
  private static BufferedImage turn(BufferedImage src, boolean clockwise) {
    int w = src.getWidth();
    int h = src.getHeight();
    BufferedImage out = new BufferedImage(h, w, BufferedImage.TYPE_BYTE_GRAY);
    byte[] in = pixels(src);
    byte[] dst = pixels(out);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // Source (x, y) goes to column h-1-y (clockwise) or y, row x or w-1-x; new width is h.
        int target = clockwise ? x * h + (h - 1 - y) : (w - 1 - x) * h + y;
        dst[target] = in[y * w + x];
      }
    }
    return out;
  }

  /** Thresholds a gray image to 1 bit per pixel (1 = white), as an office scanner would. */
  private static BufferedImage toBinary(BufferedImage gray) {
    int w = gray.getWidth();
    int h = gray.getHeight();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
    byte[] in = pixels(gray);
    byte[] bits = pixels(out);
    int stride = (w + 7) / 8;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if ((in[y * w + x] & 0xff) >= 128) {
          bits[y * stride + x / 8] |= (byte) (0x80 >> (x % 8));
        }
      }
    }
    return out;
  }

  private static byte[] pixels(BufferedImage image) {
    return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
  }
}
