package clerk.activities.ocr;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.pdmodel.graphics.image.PDImage;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * Refuses an image before it is decoded when decoding it would take more heap than a page may have.
 * PDFBox decodes an image whole, widened to 4-byte RGB, whatever size it is drawn at: one 40000 x
 * 40000 image drawn an inch wide in a 1.5 MB PDF asks for 6.4 GB. Only what the image declares is
 * read: its /Width and /Height, a CCITT stream's /Columns and /Rows, and the header of a JPEG or
 * JBIG2 stream, whose decoders size their output by it whatever the dictionary says.
 */
final class ImageLimit {
  /** The page limit's 100 megapixels at 4 bytes each: a 36 x 48 in plan scanned at 240 dpi fits. */
  static final long MAX_BYTES = 4 * DocumentOcr.MAX_PAGE_PIXELS;

  private static final List<String> HEADER_FILTERS = List.of(COSName.DCT_DECODE.getName(),
      COSName.DCT_DECODE_ABBREVIATION.getName(), COSName.JBIG2_DECODE.getName());

  private ImageLimit() {}

  /** An image over the limit; its message says how large it is. */
  static final class TooLargeException extends RuntimeException {
    TooLargeException(String message) {
      super(message, null, false, false);
    }
  }

  /** Throws {@link TooLargeException} when the image, or its mask, would be too large to decode. */
  static void check(PDImage image) throws IOException {
    checkOne(image);
    if (image instanceof PDImageXObject xobject) {
      for (PDImageXObject mask : new PDImageXObject[] {xobject.getSoftMask(), xobject.getMask()}) {
        if (mask != null) {
          checkOne(mask);
        }
      }
    }
  }

  private static void checkOne(PDImage image) throws IOException {
    long width = image.getWidth();
    long height = image.getHeight();
    long[] parms = ccittSize(image.getCOSObject());
    long[] header = headerSize(image);
    width = Math.max(width, Math.max(parms[0], header[0]));
    height = Math.max(height, Math.max(parms[1], header[1]));
    long bytes = width * height * bytesPerPixel(image);
    if (bytes > MAX_BYTES) {
      throw new TooLargeException(String.format(
          "holds a %d x %d image (%d megapixels): decoding it would take %d MB, more than the %d MB"
              + " a page may use; refusing to OCR it",
          width, height, width * height / 1_000_000, bytes / 1_000_000, MAX_BYTES / 1_000_000));
    }
  }

  /** PDFBox hands images over as 4-byte RGB; 16-bit colour samples are wider still before that. */
  private static long bytesPerPixel(PDImage image) {
    try {
      long bits = (long) Math.max(image.getBitsPerComponent(), 8)
          * image.getColorSpace().getNumberOfComponents();
      return Math.max(4, (bits + 7) / 8);
    } catch (IOException | RuntimeException e) {
      return 4; // an unreadable colour space fails later, when PDFBox decodes
    }
  }

  /** A CCITT stream's /Columns and /Rows: its decoder allocates by them. {0, 0} for other filters. */
  private static long[] ccittSize(COSDictionary dict) {
    COSBase filters = dict.getDictionaryObject(COSName.FILTER, COSName.F);
    if (!(mentions(filters, COSName.CCITTFAX_DECODE) || mentions(filters, COSName.CCITTFAX_DECODE_ABBREVIATION))) {
      return new long[2];
    }
    long[] size = new long[2];
    COSBase parms = dict.getDictionaryObject(COSName.DECODE_PARMS, COSName.DP);
    if (parms == null) {
      return size;
    }
    for (COSBase p : parms instanceof COSArray array ? array.toList() : List.of(parms)) {
      COSBase value = p instanceof COSObject o ? o.getObject() : p;
      if (value instanceof COSDictionary d) {
        size[0] = Math.max(size[0], d.getInt(COSName.COLUMNS, 0));
        size[1] = Math.max(size[1], d.getInt(COSName.ROWS, 0));
      }
    }
    return size;
  }

  private static boolean mentions(COSBase filters, COSName filter) {
    return filter.equals(filters) || filters instanceof COSArray array && array.toList().contains(filter);
  }

  /** The width and height a JPEG or JBIG2 stream's own header gives; {0, 0} when there is none. */
  private static long[] headerSize(PDImage image) {
    String format = switch (image.getSuffix() == null ? "" : image.getSuffix()) {
      case "jpg" -> "jpeg";
      case "jb2" -> "jbig2";
      default -> null;
    };
    if (format == null) {
      return new long[2];
    }
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    if (!readers.hasNext()) {
      return new long[2];
    }
    ImageReader reader = readers.next();
    try (InputStream in = image.createInputStream(HEADER_FILTERS);
        ImageInputStream iis = ImageIO.createImageInputStream(in)) {
      reader.setInput(iis, true, true);
      return new long[] {reader.getWidth(0), reader.getHeight(0)}; // reads the header only
    } catch (IOException | RuntimeException e) {
      return new long[2]; // no readable header: the decoder fails on it later, without allocating
    } finally {
      reader.dispose();
    }
  }
}
