package clerk.activities.ocr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Puts a page's line segments in the order a person reads them, by Breuel's two rules ("High
 * performance document layout analysis", 2003), the order pdftotext's layout analysis also arrives
 * at on columns: a segment comes before another that it overlaps horizontally and is above; and
 * before one entirely to its right, unless a third segment between them vertically overlaps both
 * (a full-width heading or rule of text between two rows of columns). A topological sort of that
 * relation reads a whole column before the next one, whatever order the PDF wrote them in.
 *
 * <p>The second rule is for columns of text. Short pieces side by side are table cells, read row by
 * row as pdftotext does: a segment narrower than {@link #COLUMN_WIDTH} precedes what is to its right
 * only on its own row, and what is below it in any case.
 */
final class ReadingOrder {
  /** Above this many segments (a dense table) the cubic rule-2 test costs too much: rows, top down. */
  static final int MAX_SEGMENTS = 600;

  /** Narrower than this (times the font size), a segment is a table cell rather than a column line. */
  static final float COLUMN_WIDTH = 10f;

  /** A segment's extent: left and right edges, its baseline (y grows down the page), font size. */
  interface Box {
    float left();

    float right();

    float baseline();

    float size();
  }

  private ReadingOrder() {}

  static <T extends Box> List<T> sort(List<T> segments) {
    List<T> byRow = new ArrayList<>(segments);
    byRow.sort(Comparator.comparingDouble((T b) -> b.baseline()).thenComparingDouble(Box::left));
    int n = byRow.size();
    if (n > MAX_SEGMENTS) {
      return byRow;
    }
    boolean[][] before = new boolean[n][n];
    int[] waitingFor = new int[n];
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        if (a != b && precedes(byRow, a, b)) {
          before[a][b] = true;
          waitingFor[b]++;
        }
      }
    }
    // Kahn's algorithm; among the segments free to go next, the topmost-leftmost (byRow order). A
    // cycle (overlapping oddities) is broken the same way.
    List<T> out = new ArrayList<>(n);
    boolean[] done = new boolean[n];
    for (int emitted = 0; emitted < n; emitted++) {
      int next = -1;
      for (int i = 0; i < n && next < 0; i++) {
        if (!done[i] && waitingFor[i] == 0) {
          next = i;
        }
      }
      if (next < 0) {
        for (int i = 0; i < n && next < 0; i++) {
          next = done[i] ? -1 : i;
        }
      }
      done[next] = true;
      out.add(byRow.get(next));
      for (int b = 0; b < n; b++) {
        if (before[next][b]) {
          waitingFor[b]--;
        }
      }
    }
    return out;
  }

  /** {@code rows} is sorted by baseline, so the segments between a and b vertically lie between them. */
  private static <T extends Box> boolean precedes(List<T> rows, int a, int b) {
    Box first = rows.get(a);
    Box second = rows.get(b);
    if (overlap(first, second)) {
      return first.baseline() < second.baseline();
    }
    if (first.right() > second.left()) {
      return false;
    }
    if (narrow(first) || narrow(second)) {
      return first.baseline() < second.baseline() + PageLayout.SAME_ROW * first.size();
    }
    for (int c = Math.min(a, b) + 1; c < Math.max(a, b); c++) {
      Box between = rows.get(c);
      boolean strictlyBetween = between.baseline() > Math.min(first.baseline(), second.baseline())
          && between.baseline() < Math.max(first.baseline(), second.baseline());
      if (strictlyBetween && overlap(between, first) && overlap(between, second)) {
        return false;
      }
    }
    return true;
  }

  private static boolean narrow(Box b) {
    return b.right() - b.left() < COLUMN_WIDTH * b.size();
  }

  private static boolean overlap(Box a, Box b) {
    return Math.min(a.right(), b.right()) > Math.max(a.left(), b.left());
  }
}
