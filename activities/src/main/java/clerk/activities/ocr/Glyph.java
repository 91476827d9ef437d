package clerk.activities.ocr;

/**
 * One character of a page's text layer where it is drawn, in the text's own upright coordinates
 * (points, y growing down the page; {@code baseline} is the y of the line it sits on).
 *
 * @param size the font size in points, as drawn (after the text matrix's scaling)
 */
record Glyph(String text, float x, float baseline, float width, float size) {
  float right() {
    return x + width;
  }

  boolean blank() {
    return text.isBlank();
  }
}
