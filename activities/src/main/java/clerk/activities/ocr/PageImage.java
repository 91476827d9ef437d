package clerk.activities.ocr;

import java.awt.Color;
import java.awt.Graphics2D;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
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
import org.apache.pdfbox.pdmodel.graphics.color.PDDeviceGray;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * The common scanned page, one image drawn over the whole page and nothing else, read without
 * rendering: the image is handed to Tesseract at its own resolution, which saves rasterising and
 * rescaling it. A copier's MRC page (mixed raster content: a low-resolution background image under
 * a finer 1-bit /ImageMask of the text, both over the whole page) is read from its mask alone, in
 * black on white: rendered, its background reaches Tesseract enlarged in blocks, which now and then
 * derails a line. What is only in the background (a photo, a stamp) is then not read. Any other page
 * (text or vector drawing, other images or masks, a /Rotate, a skewed or partial placement) returns
 * null and is rendered as usual.
 */
final class PageImage {
  /** How far (in points) the image may be from the page's edges and still count as covering it. */
  private static final float SLACK = 2f;

  /** The fill colour operators and spaces followed, and their components: gray, RGB, CMYK. */
  private static final Map<String, Integer> FILL_COLOURS = Map.of("g", 1, "rg", 3, "k", 4);
  private static final Map<String, Integer> FILL_SPACES = Map.of(
      COSName.DEVICEGRAY.getName(), 1, COSName.DEVICERGB.getName(), 3, COSName.DEVICECMYK.getName(), 4);

  /** The image and the resolution it has on the page. */
  record Scan(BufferedImage image, int dpi) {}

  /** An image drawn, where ({@code cm}), and how light the fill colour was (a mask paints in it). */
  private record Draw(COSName name, float[] cm, float fillLightness) {}

  /** What q and Q save and restore, of what {@link #draws} follows. */
  private record State(float[] cm, int fillComponents, float fillLightness) {}

  private PageImage() {}

  /**
   * @param maxDpi the image is used as it is only up to this resolution; a finer scan is rendered
   *     down to the configured DPI (fewer pixels for Tesseract)
   */
  static Scan fullPageImage(PDPage page, long maxPixels, int maxDpi) throws IOException {
    PDResources resources = page.getResources();
    if (page.getRotation() % 360 != 0 || resources == null) {
      return null;
    }
    List<Draw> draws = draws(page);
    if (draws == null || draws.isEmpty() || draws.size() > 2) {
      return null;
    }
    PDRectangle box = page.getCropBox();
    List<PDImageXObject> images = new ArrayList<>();
    for (Draw draw : draws) {
      if (!covers(draw.cm(), box) || !(resources.getXObject(draw.name()) instanceof PDImageXObject image)) {
        return null;
      }
      images.add(image);
    }
    PDImageXObject scan = images.get(images.size() - 1);
    ImageLimit.check(scan); // before pixels() decodes it
    boolean mrc = images.size() == 2;
    if (!plain(images.get(0)) || (mrc ? !textMask(scan, images.get(0), draws.get(1)) : !plain(scan))
        || (long) scan.getWidth() * scan.getHeight() > maxPixels) {
      return null;
    }
    int dpi = Math.round(scan.getWidth() / (box.getWidth() / 72f));
    if (dpi < 70 || dpi > maxDpi) {
      return null; // a thumbnail, or finer than needed: the renderer at the configured DPI does better
    }
    return new Scan(mrc ? blackOnWhite(scan) : pixels(scan), dpi);
  }

  /**
   * The images the page's content stream draws, or null if it does anything else: text, paths,
   * inline images, fill colours other than device gray, RGB or CMYK, nested transformations.
   */
  private static List<Draw> draws(PDPage page) throws IOException {
    List<Draw> draws = new ArrayList<>();
    List<Object> operands = new ArrayList<>();
    Deque<State> saved = new ArrayDeque<>();
    State state = new State(null, 1, 0f); // no cm yet; black in DeviceGray
    PDFStreamParser parser = new PDFStreamParser(page);
    for (Object token = parser.parseNextToken(); token != null; token = parser.parseNextToken()) {
      if (!(token instanceof Operator op)) {
        operands.add(token);
        continue;
      }
      float[] numbers = numbers(operands);
      switch (op.getName()) {
        case "q" -> saved.push(state);
        case "Q" -> {
          if (saved.isEmpty()) {
            return null;
          }
          state = saved.pop();
        }
        case "cm" -> {
          if (state.cm() != null || numbers == null || numbers.length != 6) {
            return null; // nested transformations: leave it to the renderer
          }
          state = new State(numbers, state.fillComponents(), state.fillLightness());
        }
        case "g", "rg", "k", "sc", "scn" -> {
          // sc and scn take as many operands as the space set by cs has components.
          int components = FILL_COLOURS.getOrDefault(op.getName(), state.fillComponents());
          if (numbers == null || numbers.length != components) {
            return null;
          }
          state = new State(state.cm(), components, lightness(numbers));
        }
        case "cs" -> {
          Integer components = operands.size() == 1 && operands.get(0) instanceof COSName space
              ? FILL_SPACES.get(space.getName()) : null;
          if (components == null) {
            return null; // a named or special colour space: render it
          }
          state = new State(state.cm(), components, 0f); // a space's initial colour is black
        }
        case "Do" -> {
          if (state.cm() == null || operands.size() != 1 || !(operands.get(0) instanceof COSName name)) {
            return null;
          }
          draws.add(new Draw(name, state.cm(), state.fillLightness()));
        }
        default -> {
          return null; // text, paths, inline images, other colours: a real page, render it
        }
      }
      operands.clear();
    }
    return draws;
  }

  private static float[] numbers(List<Object> operands) {
    float[] numbers = new float[operands.size()];
    for (int i = 0; i < numbers.length; i++) {
      if (!(operands.get(i) instanceof COSNumber n)) {
        return null;
      }
      numbers[i] = n.floatValue();
    }
    return numbers;
  }

  /** A gray (1), RGB (3) or CMYK (4) colour's lightness, 0 black to 1 white, roughly. */
  private static float lightness(float[] c) {
    return switch (c.length) {
      case 1 -> c[0];
      case 3 -> 0.3f * c[0] + 0.59f * c[1] + 0.11f * c[2];
      default -> 1 - Math.min(1, 0.3f * c[0] + 0.59f * c[1] + 0.11f * c[2] + c[3]);
    };
  }

  private static boolean covers(float[] cm, PDRectangle box) {
    return cm[1] == 0 && cm[2] == 0 && cm[0] > 0 && cm[3] > 0
        && Math.abs(cm[4] - box.getLowerLeftX()) <= SLACK && Math.abs(cm[5] - box.getLowerLeftY()) <= SLACK
        && Math.abs(cm[0] - box.getWidth()) <= SLACK && Math.abs(cm[3] - box.getHeight()) <= SLACK;
  }

  /** An image that is all there is to see where it is drawn: no mask of any kind. */
  private static boolean plain(PDImageXObject image) throws IOException {
    return !image.isStencil() && image.getSoftMask() == null && image.getMask() == null;
  }

  /**
   * An MRC page's text layer: a 1-bit stencil painted in a dark colour, clearly finer than the
   * background (a mask no finer would gain nothing over rendering the page).
   */
  private static boolean textMask(PDImageXObject mask, PDImageXObject background, Draw draw) {
    return mask.isStencil() && mask.getBitsPerComponent() == 1 && draw.fillLightness() < 0.5f
        && 2 * mask.getWidth() >= 3 * background.getWidth() && 2 * mask.getHeight() >= 3 * background.getHeight();
  }

  /** The pixels a stencil mask paints, in black on white. */
  private static BufferedImage blackOnWhite(PDImageXObject mask) throws IOException {
    BufferedImage page = new BufferedImage(mask.getWidth(), mask.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = page.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, page.getWidth(), page.getHeight());
      g.drawImage(mask.getStencilImage(Color.BLACK), 0, 0, null);
    } finally {
      g.dispose();
    }
    return page;
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
