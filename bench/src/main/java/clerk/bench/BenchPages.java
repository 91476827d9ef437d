package clerk.bench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.graphics.color.PDDeviceGray;
import org.apache.pdfbox.pdmodel.graphics.image.CCITTFactory;
import org.apache.pdfbox.pdmodel.graphics.image.JPEGFactory;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * The benchmark's pages, with known text: scans (several fonts and sizes, a slight skew, speckle
 * noise; half 1-bit lossless like a fax-mode scanner, half gray JPEG like a copier) and born-digital
 * pages with a text layer (Times, Helvetica, Courier).
 */
final class BenchPages {
  static final int SCAN_DPI = 300;
  private static final String[] WORDS = (
      "council motion seconded approved carried vote ayes noes absent abstain mayor member resolution"
          + " ordinance public hearing agenda item consent calendar minutes regular meeting city clerk"
          + " budget contract amendment zoning permit planning commission staff report recommendation"
          + " adopted continued discussion adjourned present roll call closed session fiscal year"
          + " infrastructure street improvement water district library park recreation finance police"
          + " fire department community development housing authority second reading introduction")
      .split(" ");
  private static final String[] SCAN_FONTS = {Font.SERIF, Font.SANS_SERIF, Font.MONOSPACED};
  private static final Standard14Fonts.FontName[] PDF_FONTS = {
    Standard14Fonts.FontName.TIMES_ROMAN, Standard14Fonts.FontName.HELVETICA, Standard14Fonts.FontName.COURIER
  };

  /** A generated document: its file and the text of each page. */
  record Doc(String meeting, String date, Path pdf, List<String> pageTexts) {}

  private BenchPages() {}

  /** About 25 lines of civic prose, each short enough for the smallest page width. */
  static String text(Random random, int number) {
    StringBuilder out = new StringBuilder("ITEM " + number + ". REGULAR MEETING MINUTES");
    for (int line = 0; line < 24; line++) {
      out.append('\n');
      int words = 6 + random.nextInt(3);
      for (int w = 0; w < words; w++) {
        String word = WORDS[random.nextInt(WORDS.length)];
        out.append(w == 0 ? capitalise(word) : " " + word);
      }
      out.append(line % 5 == 4 ? " (" + (random.nextInt(9) + 1) + "-" + random.nextInt(3) + ")." : ".");
    }
    return out.toString();
  }

  private static String capitalise(String w) {
    return Character.toUpperCase(w.charAt(0)) + w.substring(1);
  }

  /** Writes {@code documents} PDFs of {@code pagesEach} pages under {@code dir}. */
  static List<Doc> generate(Path dir, String meeting, int documents, int pagesEach, boolean scanned, long seed)
      throws IOException {
    Random random = new Random(seed);
    List<Doc> docs = new ArrayList<>();
    for (int d = 0; d < documents; d++) {
      String date = String.format("2024-%02d-%02d", 1 + d / 28, 1 + d % 28);
      Path pdf = dir.resolve(meeting).resolve(date + ".pdf");
      Files.createDirectories(pdf.getParent());
      List<String> texts = new ArrayList<>();
      try (PDDocument document = new PDDocument()) {
        for (int p = 0; p < pagesEach; p++) {
          String text = text(random, d * pagesEach + p + 1);
          texts.add(text);
          if (scanned) {
            scanPage(document, text, random, (d * pagesEach + p) % 2 == 0);
          } else {
            digitalPage(document, text, random);
          }
        }
        document.save(pdf.toFile());
      }
      docs.add(new Doc(meeting, date, pdf, texts));
    }
    return docs;
  }

  private static void digitalPage(PDDocument document, String text, Random random) throws IOException {
    PDPage page = new PDPage(PDRectangle.LETTER);
    document.addPage(page);
    float size = 10 + random.nextInt(3);
    try (PDPageContentStream out = new PDPageContentStream(document, page)) {
      out.beginText();
      out.setFont(new PDType1Font(PDF_FONTS[random.nextInt(PDF_FONTS.length)]), size);
      out.setLeading(size * 1.5f);
      out.newLineAtOffset(72, 720);
      for (String line : text.split("\n")) {
        out.showText(line);
        out.newLine();
      }
      out.endText();
    }
  }

  /** How a scanned page is stored, as office copiers and scanning software store them. */
  enum Scan {
    /** 1-bit, Flate: a fax-mode scanner. */
    FLATE_1BIT,
    /** 8-bit gray JPEG: a copier. */
    GRAY_JPEG,
    /** 1-bit JBIG2 (needs jbig2-imageio in PDFBox). */
    JBIG2,
    /** Mixed raster content: a 100 dpi colour JPEG background under a 300 dpi 1-bit text mask. */
    MRC,
    /** Stored turned on landscape media, with /Rotate 90 to show it upright. */
    ROTATE_ATTR,
    /** Fed in sideways: pixels turned 90 degrees, no /Rotate; orientation detection must find it. */
    SIDEWAYS
  }

  /**
   * Writes {@code documents} scanned PDFs of {@code pagesEach} pages, the pages' storage taken in
   * turn from {@code kinds}.
   */
  static List<Doc> generateScans(Path dir, String meeting, int documents, int pagesEach, List<Scan> kinds,
      long seed) throws IOException {
    Random random = new Random(seed);
    List<Doc> docs = new ArrayList<>();
    int n = 0;
    for (int d = 0; d < documents; d++) {
      String date = String.format("2024-%02d-%02d", 1 + d / 28, 1 + d % 28);
      Path pdf = dir.resolve(meeting).resolve(date + ".pdf");
      Files.createDirectories(pdf.getParent());
      List<String> texts = new ArrayList<>();
      try (PDDocument document = new PDDocument()) {
        for (int p = 0; p < pagesEach; p++, n++) {
          String text = text(random, n + 1);
          texts.add(text);
          scanPage(document, text, random, kinds.get(n % kinds.size()));
        }
        document.save(pdf.toFile());
      }
      docs.add(new Doc(meeting, date, pdf, texts));
    }
    return docs;
  }

  private static void scanPage(PDDocument document, String text, Random random, boolean bilevel)
      throws IOException {
    scanPage(document, text, random, bilevel ? Scan.FLATE_1BIT : Scan.GRAY_JPEG);
  }

  private static void scanPage(PDDocument document, String text, Random random, Scan kind) throws IOException {
    BufferedImage image = typed(text, random);
    int width = image.getWidth();
    int height = image.getHeight();
    PDRectangle letter = PDRectangle.LETTER;
    PDRectangle landscape = new PDRectangle(letter.getHeight(), letter.getWidth());
    PDPage page;
    switch (kind) {
      case FLATE_1BIT -> page = fullPage(document, letter, LosslessFactory.createFromImage(document, bits(image)));
      case GRAY_JPEG -> page = fullPage(document, letter, JPEGFactory.createFromImage(document, image, 0.8f));
      case JBIG2 -> page = fullPage(document, letter, new PDImageXObject(document,
          new java.io.ByteArrayInputStream(Jbig2.encode(document, bits(image), SCAN_DPI)), COSName.JBIG2_DECODE,
          width, height, 1, PDDeviceGray.INSTANCE));
      case ROTATE_ATTR -> {
        page = fullPage(document, landscape, LosslessFactory.createFromImage(document, bits(turned(image, -90))));
        page.setRotation(90);
      }
      case SIDEWAYS -> page = fullPage(document, landscape,
          LosslessFactory.createFromImage(document, bits(turned(image, 90))));
      case MRC -> {
        page = new PDPage(letter);
        document.addPage(page);
        PDImageXObject background = JPEGFactory.createFromImage(document, paper(random), 0.6f);
        PDImageXObject mask = CCITTFactory.createFromImage(document, bits(image));
        mask.getCOSObject().setBoolean(COSName.IMAGE_MASK, true);
        mask.getCOSObject().removeItem(COSName.COLORSPACE);
        mask.getCOSObject().removeItem(COSName.DECODE);
        try (PDPageContentStream out = new PDPageContentStream(document, page)) {
          out.drawImage(background, 0, 0, letter.getWidth(), letter.getHeight());
          out.setNonStrokingColor(0.08f, 0.08f, 0.1f);
          out.drawImage(mask, 0, 0, letter.getWidth(), letter.getHeight());
        }
      }
      default -> throw new IllegalArgumentException(kind.name());
    }
  }

  /** The page's text typed at 300 dpi in gray, a little skewed, with speckle. */
  private static BufferedImage typed(String text, Random random) {
    int width = (int) (8.5 * SCAN_DPI);
    int height = 11 * SCAN_DPI;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      // A slight skew, as a page fed into a scanner a little crooked.
      g.rotate(Math.toRadians((random.nextDouble() - 0.5) * 2.0), width / 2.0, height / 2.0);
      float points = 10 + random.nextInt(4);
      g.setFont(new Font(SCAN_FONTS[random.nextInt(SCAN_FONTS.length)], Font.PLAIN, Math.round(points * SCAN_DPI / 72f)));
      g.setColor(new Color(20, 20, 20));
      int y = SCAN_DPI;
      int leading = Math.round(points * 1.5f * SCAN_DPI / 72f);
      for (String line : text.split("\n")) {
        g.drawString(line, SCAN_DPI, y);
        y += leading;
      }
    } finally {
      g.dispose();
    }
    // Speckle: scanner dust and toner noise.
    for (int i = 0; i < width * height / 2000; i++) {
      image.getRaster().setSample(random.nextInt(width), random.nextInt(height), 0, random.nextInt(120));
    }
    return image;
  }

  private static BufferedImage bits(BufferedImage gray) {
    BufferedImage bits = new BufferedImage(gray.getWidth(), gray.getHeight(), BufferedImage.TYPE_BYTE_BINARY);
    Graphics2D b = bits.createGraphics();
    b.drawImage(gray, 0, 0, null);
    b.dispose();
    return bits;
  }

  /** The image turned by {@code degrees} (90 or -90). */
  private static BufferedImage turned(BufferedImage image, int degrees) {
    BufferedImage out = new BufferedImage(image.getHeight(), image.getWidth(), image.getType());
    Graphics2D g = out.createGraphics();
    g.translate(degrees > 0 ? image.getHeight() : 0, degrees > 0 ? 0 : image.getWidth());
    g.rotate(Math.toRadians(degrees));
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return out;
  }

  /** A copier's background layer: tinted paper with a faint texture, 100 dpi, colour. */
  private static BufferedImage paper(Random random) {
    BufferedImage paper = new BufferedImage(850, 1100, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < paper.getHeight(); y++) {
      for (int x = 0; x < paper.getWidth(); x++) {
        int v = 236 + random.nextInt(12);
        paper.setRGB(x, y, (v << 16) | ((v - 4) << 8) | (v - 22));
      }
    }
    return paper;
  }

  private static PDPage fullPage(PDDocument document, PDRectangle media, PDImageXObject image) throws IOException {
    PDPage page = new PDPage(media);
    document.addPage(page);
    try (PDPageContentStream out = new PDPageContentStream(document, page)) {
      out.drawImage(image, 0, 0, media.getWidth(), media.getHeight());
    }
    return page;
  }
}
