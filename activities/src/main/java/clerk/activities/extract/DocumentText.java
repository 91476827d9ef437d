package clerk.activities.extract;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A document's pages as one text, so a motion may cross a page break: running headers and footers
 * (lines repeated at the top or bottom of other pages, page numbers, "January 12, 2011 2 of 18")
 * are removed, OCR line breaks and wrapped hyphenation undone, whitespace collapsed. Keeps where
 * each page starts, to tell which page a motion starts on. Made once per document for every reader
 * of it (motions, attendance): making it is a good part of what reading costs.
 */
public final class DocumentText {
  /** How many lines at each end of a page can be a running header or footer. */
  private static final int EDGE_LINES = 3;
  /** "2", "- 2 -", "Page 2", "Page 2 of 5", "2 of 18", "1\f". */
  private static final Pattern PAGE_NUMBER = Pattern.compile(
      "\\s*(?:-\\s*)?(?:page\\s+)?\\d{1,4}(?:\\s+of\\s+\\d{1,4})?(?:\\s*-)?\\s*", Pattern.CASE_INSENSITIVE);
  /** A header glued to the first words of a page: "January 12, 2011  2 of 18 *43 Authorize ...". */
  private static final Pattern DATED_PAGE_OF = Pattern.compile(
      "^\\s*\\p{L}+\\.? \\d{1,2}, \\d{4}\\s+\\d{1,4} of \\d{1,4}\\s+");
  /** A trailing "1 of 18" after the last words of a page. */
  private static final Pattern TRAILING_PAGE_OF = Pattern.compile("\\s+\\d{1,4} of \\d{1,4}\\s*$");
  /** Lines that carry a motion or vote are content even when pages happen to start alike. */
  private static final Pattern NOT_RUNNING = Pattern.compile(
      "\\b(?:moved|second(?:ed)?|motion|proposed|ayes|noes|nays|yeas|carried)\\b", Pattern.CASE_INSENSITIVE);

  final String text;
  private final int[] pageStarts;

  private DocumentText(String text, int[] pageStarts) {
    this.text = text;
    this.pageStarts = pageStarts;
  }

  public static DocumentText of(List<String> pages) {
    List<List<String>> lines = new ArrayList<>();
    for (String page : pages) {
      lines.add(new ArrayList<>(List.of(page.split("\\r?\\n", -1))));
    }
    Map<String, Set<Integer>> edges = edgeLines(lines);
    StringBuilder joined = new StringBuilder();
    int[] starts = new int[pages.size()];
    for (int i = 0; i < lines.size(); i++) {
      starts[i] = joined.length();
      String page = String.join("\n", withoutRunningLines(lines.get(i), i, edges));
      page = DATED_PAGE_OF.matcher(page).replaceFirst("");
      page = TRAILING_PAGE_OF.matcher(page).replaceFirst("");
      joined.append(normalise(page)).append(' ');
    }
    return new DocumentText(joined.toString(), starts);
  }

  /** 1-based page of a text offset. */
  int page(int offset) {
    int page = 1;
    for (int i = 0; i < pageStarts.length; i++) {
      if (pageStarts[i] <= offset) {
        page = i + 1;
      }
    }
    return page;
  }

  /** The non-blank lines near the top and bottom of each page, by the pages they appear on. */
  private static Map<String, Set<Integer>> edgeLines(List<List<String>> pages) {
    Map<String, Set<Integer>> edges = new HashMap<>();
    for (int p = 0; p < pages.size(); p++) {
      List<String> nonBlank = pages.get(p).stream().filter(l -> !l.isBlank()).toList();
      int page = p;
      for (int k = 0; k < nonBlank.size(); k++) {
        if (k < EDGE_LINES || k >= nonBlank.size() - EDGE_LINES) {
          edges.computeIfAbsent(key(nonBlank.get(k)), x -> new HashSet<>()).add(page);
        }
      }
    }
    return edges;
  }

  /** Drops blank lines, page numbers and lines repeated on other pages' edges, from both ends. */
  private static List<String> withoutRunningLines(List<String> lines, int page, Map<String, Set<Integer>> edges) {
    int from = 0;
    int to = lines.size();
    for (int seen = 0; from < to && seen < EDGE_LINES; from++) {
      if (!running(lines.get(from), page, edges)) {
        break;
      }
      seen += lines.get(from).isBlank() ? 0 : 1;
    }
    for (int seen = 0; to > from && seen < EDGE_LINES; to--) {
      if (!running(lines.get(to - 1), page, edges)) {
        break;
      }
      seen += lines.get(to - 1).isBlank() ? 0 : 1;
    }
    return lines.subList(from, to);
  }

  private static boolean running(String line, int page, Map<String, Set<Integer>> edges) {
    if (line.isBlank() || PAGE_NUMBER.matcher(line).matches()) {
      return true;
    }
    Set<Integer> on = edges.getOrDefault(key(line), Set.of());
    boolean elsewhere = on.size() > 1 || on.size() == 1 && !on.contains(page);
    return elsewhere && !NOT_RUNNING.matcher(line).find();
  }

  /** Lines that differ only in digits or spacing ("Page 2", "Page 3") are the same running line. */
  private static String key(String line) {
    return line.strip().replaceAll("\\s+", " ").replaceAll("\\d+", "#").toLowerCase(Locale.ROOT);
  }

  /** One line of text: OCR line breaks, wrapped hyphenation, stray spaces and asterisks undone. */
  static String normalise(String page) {
    return page.replace("\u00AD", "")
        .replaceAll("(\\p{L})-[ \\t]*\\r?\\n\\s*(\\p{Ll})", "$1$2")
        .replaceAll("\\s+", " ")
        .replaceAll("(?<=^|\\s)\\*+(?=\\p{L})", "")
        .replaceAll(" (?=[,.;:](?:\\s|$))", "")
        .trim();
  }
}
