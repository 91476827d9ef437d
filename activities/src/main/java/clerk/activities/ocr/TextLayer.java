package clerk.activities.ocr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;

/**
 * A born-digital page's text as a reader sees it: its glyphs laid out by {@link PageLayout} (reading
 * order of columns, letter-spaced words joined), then the values of the form fields on the page
 * ({@link FormFields}), which are not part of the page's text.
 */
final class TextLayer {
  private TextLayer() {}

  /** @param number 1-based */
  static String read(PDDocument document, int number) throws IOException {
    LayoutStripper stripper = new LayoutStripper();
    stripper.setStartPage(number);
    stripper.setEndPage(number);
    stripper.setLineSeparator("\n");
    String text = stripper.getText(document);
    List<String> fields = FormFields.lines(document, document.getPage(number - 1));
    return fields.isEmpty() ? text : text + "\n" + String.join("\n", fields);
  }

  /**
   * PDFBox's stripper for what it does well (fonts, Unicode mapping, duplicate glyphs of fake bold,
   * diacritics), with the page written by {@link PageLayout} instead of in content-stream order.
   */
  private static final class LayoutStripper extends PDFTextStripper {
    @Override
    protected void writePage() throws IOException {
      // Text drawn in several directions (a sideways stamp, a rotated table) is laid out per
      // direction, the direction with the most glyphs first.
      Map<Float, List<Glyph>> byDirection = new LinkedHashMap<>();
      for (List<TextPosition> article : getCharactersByArticle()) {
        for (TextPosition p : article) {
          byDirection.computeIfAbsent(p.getDir(), d -> new ArrayList<>()).add(glyph(p));
        }
      }
      List<List<Glyph>> groups = new ArrayList<>(byDirection.values());
      groups.sort(Comparator.comparingInt((List<Glyph> g) -> g.size()).reversed());
      for (List<Glyph> group : groups) {
        output.write(PageLayout.text(group));
        output.write("\n");
      }
    }

    private static Glyph glyph(TextPosition p) {
      float size = p.getFontSizeInPt();
      if (!(size > 0.5f)) {
        size = Math.max(1f, p.getHeightDir() / 0.7f); // no usable size: the glyph's height says more
      }
      return new Glyph(p.getUnicode() == null ? "" : p.getUnicode(), p.getXDirAdj(), p.getYDirAdj(),
          p.getWidthDirAdj(), size);
    }
  }
}
