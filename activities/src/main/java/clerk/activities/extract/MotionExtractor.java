package clerk.activities.extract;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rule-based extraction of motions and their votes from minutes text, for the phrasings city clerks
 * use: "Motion by X, seconded by Y, to …", "It was moved by X and seconded by Y that …",
 * "MOTION: X / SECOND: Y", followed by "Motion carried 5-0" or a roll call "AYES: … NOES: … ABSTAIN: …
 * ABSENT: …". Pages are joined so a motion may cross a page break; it belongs to the page it starts on.
 */
public final class MotionExtractor {
  // Names are capitalised words even where the keywords around them match in any case.
  private static final String NAME = "((?-i:[A-Z][\\p{L}.'’-]*(?:\\s+[A-Z][\\p{L}.'’-]*){0,3}))";
  private static final String TITLES =
      "(?:(?:Vice|Deputy)\\s+)?(?:Council\\s*members?|Councilm[ae]n|Councilwom[ae]n|Commissioners?|"
          + "Mayor|Chair(?:person|man|woman)?|Trustees?|Directors?|Supervisors?|Alderm[ae]n|"
          + "Board\\s+Members?|Members?|President|Mr\\.|Ms\\.|Mrs\\.|Dr\\.)";
  private static final String TITLED = "(?:" + TITLES + "\\s+)?" + NAME;

  private static final Pattern START = Pattern.compile(
      "(?:Motion\\s+(?:was\\s+made\\s+)?by\\s+" + TITLED + ",?\\s+(?:and\\s+)?seconded\\s+by\\s+"
          + TITLED + ",?\\s+((?:to|that)\\s.*?)(?:\\.\\s|\\.$|$)"
          + "|(?:It\\s+was\\s+)?moved\\s+by\\s+" + TITLED + ",?\\s+(?:and\\s+)?seconded\\s+by\\s+"
          + TITLED + ",?\\s+((?:to|that)\\s.*?)(?:\\.\\s|\\.$|$)"
          + "|MOTION:\\s*" + TITLED + "\\s*/?\\s*SECOND(?:ED)?:\\s*" + TITLED
          + "(?:\\s*[-–:]?\\s*((?:to|that)\\s.*?)(?:\\.\\s|\\.$|$))?)",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern RESULT = Pattern.compile(
      "\\b(carried|passed|approved|adopted|failed|denied|defeated)\\b(?:\\s+(?:by\\s+a\\s+vote\\s+of\\s+)?"
          + "(\\d+)\\s*[-–]\\s*(\\d+)(?:\\s*[-–]\\s*(\\d+))?)?(\\s+unanimously)?",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern ROLL = Pattern.compile(
      "\\b(AYES|AYE|YEAS|NOES|NAYS|NOES|ABSTAIN(?:ED|ING|S)?|ABSENT)\\s*:\\s*(.*?)"
          + "(?=\\b(?:AYES|AYE|YEAS|NOES|NAYS|ABSTAIN(?:ED|ING|S)?|ABSENT)\\s*:|\\.\\s|\\.$|$)",
      Pattern.DOTALL);
  private static final Pattern COUNT = Pattern.compile("\\((\\d+)\\)\\s*$");
  private static final Pattern TITLE_PREFIX = Pattern.compile("^" + TITLES + "\\s+", Pattern.CASE_INSENSITIVE);
  private static final int MAX_MOTION = 500;

  public List<Motion> extract(List<String> pages) {
    StringBuilder text = new StringBuilder();
    List<Integer> pageStarts = new ArrayList<>();
    for (String page : pages) {
      pageStarts.add(text.length());
      // OCR line breaks and hyphenless wraps become single spaces.
      text.append(page.replaceAll("\\s+", " ").trim()).append(' ');
    }
    String all = text.toString();
    List<Motion> motions = new ArrayList<>();
    Matcher m = START.matcher(all);
    List<int[]> spans = new ArrayList<>();
    List<String[]> heads = new ArrayList<>();
    while (m.find()) {
      String mover = first(m, 1, 4, 7);
      String seconder = first(m, 2, 5, 8);
      String what = first(m, 3, 6, 9);
      spans.add(new int[] {m.start(), m.end()});
      heads.add(new String[] {mover, seconder, what == null ? "" : what});
    }
    for (int i = 0; i < spans.size(); i++) {
      int end = i + 1 < spans.size() ? spans.get(i + 1)[0] : all.length();
      String tail = all.substring(spans.get(i)[1], end);
      motions.add(motion(page(pageStarts, spans.get(i)[0]), i + 1, heads.get(i), tail));
    }
    return motions;
  }

  private static Motion motion(int page, int seq, String[] head, String tail) {
    String what = head[2].trim();
    if (what.length() > MAX_MOTION) {
      what = what.substring(0, MAX_MOTION);
    }
    Map<String, List<String>> votes = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    Matcher roll = ROLL.matcher(tail);
    while (roll.find()) {
      String key = key(roll.group(1));
      String names = roll.group(2).trim();
      Matcher count = COUNT.matcher(names);
      Integer stated = null;
      if (count.find()) {
        stated = Integer.parseInt(count.group(1));
        names = names.substring(0, count.start()).trim();
      }
      List<String> list = names(names);
      votes.put(key, list);
      counts.put(key, stated != null ? stated : list.size());
    }
    String result = null;
    Matcher r = RESULT.matcher(tail);
    if (r.find()) {
      String word = r.group(1).toLowerCase();
      result = word.equals("failed") || word.equals("denied") || word.equals("defeated")
          ? "failed" : "carried";
      if (r.group(2) != null) {
        counts.putIfAbsent("ayes", Integer.parseInt(r.group(2)));
        counts.putIfAbsent("nays", Integer.parseInt(r.group(3)));
        if (r.group(4) != null) {
          counts.putIfAbsent("abstain", Integer.parseInt(r.group(4)));
        }
      }
    }
    return new Motion(page, seq, what, name(head[0]), name(head[1]), result,
        counts.get("ayes"), counts.get("nays"), counts.get("abstain"), counts.get("absent"), votes);
  }

  private static String key(String label) {
    String l = label.toUpperCase();
    if (l.startsWith("AY") || l.startsWith("YEA")) {
      return "ayes";
    }
    if (l.startsWith("NO") || l.startsWith("NAY")) {
      return "nays";
    }
    return l.startsWith("ABSTAIN") ? "abstain" : "absent";
  }

  /** "Councilmembers Lee, Ortiz and Mayor Chen" → [Lee, Ortiz, Chen]; "None" → []. */
  static List<String> names(String list) {
    List<String> out = new ArrayList<>();
    String trimmed = list.replaceAll("[.;]+$", "").trim();
    if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("none")) {
      return out;
    }
    for (String part : trimmed.split("\\s*,\\s*(?:and\\s+)?|\\s+and\\s+|\\s*&\\s*")) {
      String n = name(part);
      if (n != null && !n.isEmpty() && !n.equalsIgnoreCase("none")) {
        out.add(n);
      }
    }
    return out;
  }

  static String name(String titled) {
    if (titled == null) {
      return null;
    }
    String n = titled.trim();
    Matcher t;
    while ((t = TITLE_PREFIX.matcher(n)).find()) {
      n = n.substring(t.end());
    }
    return n.replaceAll("[,.;:]+$", "").trim();
  }

  private static String first(Matcher m, int... groups) {
    for (int g : groups) {
      if (m.group(g) != null) {
        return m.group(g);
      }
    }
    return null;
  }

  private static int page(List<Integer> starts, int offset) {
    int page = 1;
    for (int i = 0; i < starts.size(); i++) {
      if (starts.get(i) <= offset) {
        page = i + 1;
      }
    }
    return page;
  }
}
