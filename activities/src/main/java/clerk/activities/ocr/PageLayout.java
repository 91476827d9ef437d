package clerk.activities.ocr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A page's text from where its glyphs are drawn, not from the order the PDF wrote them: glyphs on one
 * baseline form a row, a row splits into segments at gaps wider than a column gutter, a segment into
 * words at gaps wider than a letter's, and the segments are read in {@link ReadingOrder}. The word
 * gap is poppler's (pdftotext's); the others were set against pdftotext on the pages
 * {@code bench/ocr/fidelity} reads.
 */
final class PageLayout {
  /** Glyphs whose baselines differ by less than this (times the font size) share a row. */
  static final float SAME_ROW = 0.4f;
  /** A gap wider than this (times the font size) inside a row separates columns. */
  static final float GUTTER = 1.5f;
  /** A gap wider than this (times the font size) separates words (poppler's minWordBreakSpace). */
  static final float WORD_GAP = 0.1f;
  /**
   * In letter-spaced text every letter is followed by a gap: a word break is a gap this much wider
   * (times the font size) than the segment's usual one; half a space.
   */
  static final float LETTER_SPACED_WORD_GAP = 0.15f;
  /** At least this many word-breaking gaps in a row (one-letter words) before a run may be letter-spaced. */
  static final int MIN_SPACED_RUN = 3;

  private PageLayout() {}

  /** The text of glyphs all written in one direction, lines separated by {@code \n}. */
  static String text(List<Glyph> glyphs) {
    List<Segment> segments = new ArrayList<>();
    for (List<Glyph> row : rows(glyphs)) {
      segments.addAll(segments(row));
    }
    StringBuilder out = new StringBuilder();
    for (Segment segment : ReadingOrder.sort(segments)) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(segment.text);
    }
    return out.toString();
  }

  /** Glyphs grouped by baseline, each row left to right. */
  static List<List<Glyph>> rows(List<Glyph> glyphs) {
    List<Glyph> sorted = new ArrayList<>(glyphs);
    sorted.sort(Comparator.comparingDouble(Glyph::baseline));
    List<List<Glyph>> rows = new ArrayList<>();
    List<Glyph> row = new ArrayList<>();
    for (Glyph g : sorted) {
      if (!row.isEmpty()) {
        Glyph first = row.get(0);
        if (g.baseline() - first.baseline() > SAME_ROW * Math.min(first.size(), g.size())) {
          rows.add(row);
          row = new ArrayList<>();
        }
      }
      row.add(g);
    }
    if (!row.isEmpty()) {
      rows.add(row);
    }
    rows.forEach(r -> r.sort(Comparator.comparingDouble(Glyph::x)));
    return rows;
  }

  /** A run of a row with no gutter in it, as text. */
  record Segment(float left, float right, float baseline, float size, String text) implements ReadingOrder.Box {}

  private static List<Segment> segments(List<Glyph> row) {
    List<Segment> out = new ArrayList<>();
    List<Glyph> run = new ArrayList<>();
    Glyph last = null;
    for (Glyph g : row) {
      if (g.blank()) {
        continue;
      }
      if (last != null && g.x() - last.right() > GUTTER * Math.max(last.size(), g.size())) {
        out.add(segment(run));
        run = new ArrayList<>();
      }
      run.add(g);
      last = g;
    }
    if (!run.isEmpty()) {
      out.add(segment(run));
    }
    return out;
  }

  private static Segment segment(List<Glyph> glyphs) {
    Glyph first = glyphs.get(0);
    return new Segment(first.x(), glyphs.get(glyphs.size() - 1).right(), first.baseline(), first.size(),
        String.join(" ", words(glyphs)));
  }

  /**
   * The words of a segment (blank glyphs already dropped; a written space shows as a gap). A gap
   * wider than {@link #WORD_GAP} breaks a word; then runs of single letters, which is what
   * letter-spaced text looks like at that threshold, are joined again at gaps close to their usual
   * one, so "r e j e c t e d  b y" reads "rejected by".
   */
  static List<String> words(List<Glyph> glyphs) {
    int n = glyphs.size();
    float[] gaps = new float[Math.max(0, n - 1)];
    boolean[] breaks = new boolean[gaps.length];
    for (int i = 0; i + 1 < n; i++) {
      Glyph a = glyphs.get(i);
      Glyph b = glyphs.get(i + 1);
      gaps[i] = b.x() - a.right();
      breaks[i] = gaps[i] > WORD_GAP * Math.max(a.size(), b.size());
    }
    joinLetterSpacedRuns(glyphs, gaps, breaks);
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder(glyphs.isEmpty() ? "" : glyphs.get(0).text());
    for (int i = 0; i < gaps.length; i++) {
      if (breaks[i]) {
        words.add(word.toString());
        word.setLength(0);
      }
      word.append(glyphs.get(i + 1).text());
    }
    if (word.length() > 0) {
      words.add(word.toString());
    }
    return words;
  }

  /**
   * Re-decides the breaks of each run of consecutive breaking gaps (one-glyph words in a row) that
   * looks letter-spaced: the whole segment (pdftotext's rule), or a run whose gaps fall in two sizes,
   * letter gaps and wider word gaps. A run of even gaps inside ordinary text ("a 5 x 7 card") stays.
   */
  private static void joinLetterSpacedRuns(List<Glyph> glyphs, float[] gaps, boolean[] breaks) {
    int start = 0;
    while (start < gaps.length) {
      if (!breaks[start]) {
        start++;
        continue;
      }
      int end = start;
      while (end < gaps.length && breaks[end]) {
        end++;
      }
      if (end - start >= MIN_SPACED_RUN) {
        float[] inside = Arrays.copyOfRange(gaps, start, end);
        Arrays.sort(inside);
        float size = glyphs.get(start).size();
        boolean wholeSegment = start == 0 && end == gaps.length;
        boolean twoSizes = inside[inside.length - 1] - inside[0] > LETTER_SPACED_WORD_GAP * size;
        if (wholeSegment || twoSizes) {
          float usual = inside[(inside.length - 1) / 4]; // letters outnumber words
          for (int k = start; k < end; k++) {
            Glyph a = glyphs.get(k);
            Glyph b = glyphs.get(k + 1);
            // Only letters join: spaced dots (". . . . 12") are leaders, and stay as pdftotext has them.
            breaks[k] = !(letterOrDigit(a) && letterOrDigit(b))
                || gaps[k] > usual + LETTER_SPACED_WORD_GAP * Math.max(a.size(), b.size());
          }
        }
      }
      start = end;
    }
  }

  private static boolean letterOrDigit(Glyph g) {
    return !g.text().isEmpty() && Character.isLetterOrDigit(g.text().codePointAt(0));
  }
}
