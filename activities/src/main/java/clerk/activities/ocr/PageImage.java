package clerk.activities.ocr;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSNumber;
import org.apache.pdfbox.pdfparser.PDFStreamParser;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.PDXObject;
import org.apache.pdfbox.pdmodel.graphics.color.PDDeviceGray;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * The common scanned page, one image drawn over the whole page and nothing else, read without
 * rendering: the image is handed to Tesseract at its own resolution, which saves rasterising and
 * rescaling it. Any other page (several images, text or vector drawing, a /Rotate, a mask, a skewed
 * or partial placement) returns null and is rendered as usual.
 */
final class PageImage {
  /** How far (in points) the image may be from the page's edges and still count as covering it. */
  private static final float SLACK = 2f;

  /** The image and the resolution it has on the page. */
  record Scan(BufferedImage image, int dpi) {}

  private PageImage() {}

  /**
   * @param maxDpi the image is used as it is only up to this resolution; a finer scan is rendered
   *     down to the configured DPI (fewer pixels for Tesseract)
   */
  static Scan fullPageImage(PDPage page, long maxPixels, int maxDpi) throws IOException {
    if (page.getRotation() % 360 != 0) {
      return null;
    }
    PDResources resources = page.getResources();
    if (resources == null) {
      return null;
    }
    List<Object> operands = new ArrayList<>();
    float[] cm = null;
    COSName drawn = null;
    PDFStreamParser parser = new PDFStreamParser(page);
    for (Object token = parser.parseNextToken(); token != null; token = parser.parseNextToken()) {
      if (!(token instanceof Operator op)) {
        operands.add(token);
        continue;
      }
      switch (op.getName()) {
        case "q", "Q" -> { }
        case "cm" -> {
          if (cm != null || operands.size() != 6) {
            return null; // nested transformations: leave it to the renderer
          }
          cm = new float[6];
          for (int i = 0; i < 6; i++) {
            if (!(operands.get(i) instanceof COSNumber n)) {
              return null;
            }
            cm[i] = n.floatValue();
          }
        }
        case "Do" -> {
          if (drawn != null || operands.size() != 1 || !(operands.get(0) instanceof COSName name)) {
            return null;
          }
          drawn = name;
        }
        default -> {
          return null; // text, paths, inline images, colour changes: a real page, render it
        }
      }
      operands.clear();
    }
    if (drawn == null || cm == null) {
      return null;
    }
    PDRectangle box = page.getCropBox();
    boolean covers = cm[1] == 0 && cm[2] == 0 && cm[0] > 0 && cm[3] > 0
        && Math.abs(cm[4] - box.getLowerLeftX()) <= SLACK && Math.abs(cm[5] - box.getLowerLeftY()) <= SLACK
        && Math.abs(cm[0] - box.getWidth()) <= SLACK && Math.abs(cm[3] - box.getHeight()) <= SLACK;
    if (!covers) {
      return null;
    }
    PDXObject xobject = resources.getXObject(drawn);
    if (xobject instanceof PDImageXObject image) {
      ImageLimit.check(image); // before pixels() decodes it
    }
    if (!(xobject instanceof PDImageXObject image) || image.isStencil() || image.getSoftMask() != null
        || image.getMask() != null || (long) image.getWidth() * image.getHeight() > maxPixels) {
      return null;
    }
    int dpi = Math.round(image.getWidth() / (box.getWidth() / 72f));
    if (dpi < 70 || dpi > maxDpi) {
      return null; // a thumbnail, or finer than needed: the renderer at the configured DPI does better
    }
    return new Scan(pixels(image), dpi);
  }

  private static final ComponentColorModel GRAY = new ComponentColorModel(
      ColorSpace.getInstance(ColorSpace.CS_GRAY), false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);

  /**
   * An 8-bit gray scan (most copier JPEGs) as its own bytes, without a copy: {@code getImage()}
   * widens it to 4-byte RGB, four times the heap for the same pixels (34 MB for a letter page at 300
   * dpi). Anything else (1-bit, colour, a /Decode array) goes through {@code getImage()}.
   */
  static BufferedImage pixels(PDImageXObject image) throws IOException {
    if (image.getColorSpace() instanceof PDDeviceGray && image.getBitsPerComponent() == 8
        && image.getDecode() == null && image.getColorKeyMask() == null) {
      WritableRaster raster = isJpeg(image) ? readJpeg(image) : image.getRawRaster();
      if (raster.getNumBands() == 1 && raster.getSampleModel() instanceof PixelInterleavedSampleModel
          && raster.getDataBuffer().getDataType() == DataBuffer.TYPE_BYTE) {
        return new BufferedImage(GRAY, raster, false, null);
      }
    }
    return image.getImage();
  }

  private static boolean isJpeg(PDImageXObject image) {
    return List.of(COSName.DCT_DECODE).equals(image.getStream().getFilters());
  }

  /**
   * Decodes a JPEG stream straight into its raster. PDFBox's DCT filter would decode it into a
   * growing byte buffer first and copy that into the raster: twice the page's bytes at the peak.
   */
  private static WritableRaster readJpeg(PDImageXObject image) throws IOException {
    ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
    try (InputStream in = image.createInputStream(List.of(COSName.DCT_DECODE.getName()));
        ImageInputStream iis = ImageIO.createImageInputStream(in)) {
      reader.setInput(iis);
      Raster raster = reader.readRaster(0, null);
      return raster instanceof WritableRaster writable ? writable : image.getRawRaster();
    } finally {
      reader.dispose();
    }
  }
}
