package clerk.activities.ocr;

import java.io.IOException;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.graphics.image.PDImage;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.rendering.PageDrawer;
import org.apache.pdfbox.rendering.PageDrawerParameters;

/**
 * PDFBox's renderer with every image checked against {@link ImageLimit} before it is decoded:
 * drawImage sees them all (XObjects, inline images, images in forms, annotations and Type 3 glyphs).
 * The check throws {@link ImageLimit.TooLargeException}, unchecked, because PDFBox logs and skips
 * an IOException raised while drawing an XObject.
 */
public final class BoundedRenderer extends PDFRenderer {
  public BoundedRenderer(PDDocument document) {
    super(document);
  }

  @Override
  protected PageDrawer createPageDrawer(PageDrawerParameters parameters) throws IOException {
    return new PageDrawer(parameters) {
      @Override
      public void drawImage(PDImage image) throws IOException {
        ImageLimit.check(image);
        super.drawImage(image);
      }
    };
  }
}
