package clerk.activities.images;

import clerk.activities.ocr.BoundedRenderer;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.IntConsumer;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.rendering.ImageType;

/**
 * A document's pages as the images a reader sees beside the text: {@code {n}.png}, 1,200 pixels wide
 * (small print stays legible on a screen; the page's {@code /Rotate} honoured), 16 grey levels. Measured
 * on the sample pages (docs/publishing.md): 16-level PNG is about 160 KB a page, half of 8-bit grey
 * and a third of colour, and no slower to write; JPEG was larger for text. Colour (a map, a logo) is
 * lost: the image is for reading the page, the PDF stays the record. Images are checked before they
 * are decoded, as OCR checks them ({@link BoundedRenderer}).
 *
 * <p>Each file is written under a hidden name and renamed into place, so a reader never gets half an
 * image; a page whose image is already there is rendered again only when asked to (the PDF changed).
 */
public final class PageImageRenderer {
  public static final int WIDTH = 1200;
  private static final IndexColorModel GREY_16;

  static {
    byte[] levels = new byte[16];
    for (int i = 0; i < 16; i++) {
      levels[i] = (byte) (i * 17);
    }
    GREY_16 = new IndexColorModel(4, 16, levels, levels, levels);
  }

  /** The PDF cannot be rendered (damaged, encrypted, an image too large): its own problem, not the disk's. */
  public static final class UnreadablePdfException extends IOException {
    UnreadablePdfException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** What the images are written as: a hook for the bundle's permissions. */
  @FunctionalInterface
  public interface Written {
    void file(Path image) throws IOException;
  }

  /**
   * Renders every page of {@code pdf} into {@code dir} as {@code 1.png}, {@code 2.png}, …; with
   * {@code again} false, pages that already have an image are skipped. Tells {@code progress} each page
   * done; returns the pages rendered.
   */
  public int render(Path pdf, Path dir, boolean again, Written written, IntConsumer progress) throws IOException {
    Files.createDirectories(dir);
    int rendered = 0;
    try (PDDocument doc = load(pdf)) {
      BoundedRenderer renderer = new BoundedRenderer(doc);
      for (int i = 0; i < doc.getNumberOfPages(); i++) {
        Path image = dir.resolve((i + 1) + ".png");
        if (!again && Files.isRegularFile(image)) {
          progress.accept(i + 1);
          continue;
        }
        BufferedImage grey;
        try {
          grey = renderer.renderImage(i, scale(doc.getPage(i)), ImageType.GRAY);
        } catch (IOException | RuntimeException e) {
          throw new UnreadablePdfException(pdf + ": page " + (i + 1) + " cannot be rendered: " + e.getMessage(), e);
        }
        Path tmp = dir.resolve("." + (i + 1) + ".png.tmp");
        ImageIO.write(sixteenGreys(grey), "png", tmp.toFile());
        written.file(tmp);
        Files.move(tmp, image, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        rendered++;
        progress.accept(i + 1);
      }
      // A PDF replaced by a shorter one leaves no images of pages it no longer has.
      for (int n = doc.getNumberOfPages() + 1; Files.deleteIfExists(dir.resolve(n + ".png")); n++) {
        // deleted
      }
    }
    return rendered;
  }

  private static PDDocument load(Path pdf) throws IOException {
    if (!java.nio.file.Files.isRegularFile(pdf)) {
      throw new java.nio.file.NoSuchFileException(pdf.toString()); // the storage's problem: tried again
    }
    try {
      return Loader.loadPDF(pdf.toFile());
    } catch (IOException e) {
      throw new UnreadablePdfException(pdf + ": " + e.getMessage(), e);
    }
  }

  /** The scale that makes the page, as displayed (rotated), {@link #WIDTH} pixels wide. */
  static float scale(PDPage page) {
    PDRectangle box = page.getCropBox();
    boolean sideways = page.getRotation() % 180 != 0;
    return WIDTH / (sideways ? box.getHeight() : box.getWidth());
  }

  private static BufferedImage sixteenGreys(BufferedImage grey) {
    int w = grey.getWidth();
    int h = grey.getHeight();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY, GREY_16);
    WritableRaster src = grey.getRaster();
    WritableRaster dst = out.getRaster();
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      src.getSamples(0, y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        row[x] = (row[x] + 8) / 17; // nearest of 16 levels
      }
      dst.setSamples(0, y, w, 1, 0, row);
    }
    return out;
  }
}
