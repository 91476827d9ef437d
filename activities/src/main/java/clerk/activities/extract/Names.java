package clerk.activities.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** People in minutes: titles, surnames, and lists such as "Councilmembers Lee, Ortiz and Mayor Chen (3)". */
final class Names {
  /** Honorifics and offices that precede a name; plural forms head roll-call lists. */
  static final String TITLE =
      "(?:(?:Vice|Deputy)[\\s-]+(?:Mayor|Chair(?:person|man|woman)?|President|Reeve|Warden)"
          + "|Mayor\\s+Pro\\s+Tem(?:pore)?|Council\\s*(?:member|man|woman|person)s?|Councilmen"
          + "|Councill?ors?|Cllrs?\\.?|Reeve|Warden|Miss|Supervisor|Commissioner"
          + "|Councilwomen|Commissioners?|Mayor|Chair(?:person|man|woman)?s?|Trustees?|Directors?"
          + "|Supervisors?|Alder(?:man|men|woman|women|person)s?|Board\\s*Members?|Members?"
          + "|President|Mrs\\.?|Mr\\.?|Ms\\.?|Dr\\.?)";

  /** Words that are capitalised in minutes but never part of a name. */
  private static final String NOT_A_NAME =
      "(?!(?i:and|or|also|none|no|yes|aye|ayes|yea|yeas|nay|nays|noes|abstain\\w*|absent|present|recused?"
          + "|that|to|this|it|be|which|whereas|resolved|seconds?|second|supported|made|makes|offered"
          + "|proposed|upon|on|with|for|against|by|in|at|of|vote|votes|take|request"
          + "|motion|moved|seconded|the|vote|voting|roll|call|item|council|commission|board|city"
          + "|staff|resolution|ordinance|carried|passed|failed|approved|unanimous\\w*"
          + "|council\\s*(?:member|man|woman|person)s?|commissioners?|mayor|chair\\w*|trustees?"
          + "|directors?|supervisors?|alder\\w+)\\b)";
  private static final String WORD = NOT_A_NAME + "(?:\\p{Lu}\\.|\\p{Lu}[\\p{L}'’‟-]*)";
  /** "Collins (M)", "Sheahan (J)": an initial that tells members of one name apart. */
  private static final String QUALIFIER = "(?:\\s*\\(\\p{Lu}{1,2}\\))?";
  private static final String PARTICLE = "(?:de|del|della|da|di|du|la|le|van|von|der|den)";
  /** A name: up to four capitalised words (case-sensitive even inside case-insensitive patterns). */
  static final String NAME = "(?-i:(?<![\\p{L}\\p{N}.])" + WORD + "(?:\\s+(?:" + PARTICLE + "\\s+)*" + WORD + "){0,3}"
      + QUALIFIER + ")";
  /** An optionally titled name, the name captured in group {@code group}. */
  static String titled(String group) {
    return "(?:" + TITLE + "\\s+){0,2}(?<" + group + ">" + NAME + ")";
  }

  private static final Pattern TITLE_PREFIX =
      Pattern.compile("^" + TITLE + "\\s+", Pattern.CASE_INSENSITIVE);
  private static final Pattern LIST_TITLE =
      Pattern.compile("\\s*" + TITLE + "\\s+", Pattern.CASE_INSENSITIVE);
  private static final Pattern LIST_NAME = Pattern.compile("\\s*(" + NAME + ")");
  private static final Pattern LIST_NONE = Pattern.compile("\\s*none\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern LIST_COUNT = Pattern.compile("\\s*\\.?\\s*\\(\\s*(\\d{1,3})\\s*\\)");
  private static final Pattern LIST_NUMBER = Pattern.compile("\\s*(\\d{1,3})\\b(?!\\s*[-–—]\\s*\\d)");
  private static final Pattern LIST_SEP =
      Pattern.compile("\\s*(?:,|;|&|\\band\\b|[-–—](?=\\s))", Pattern.CASE_INSENSITIVE);

  private Names() {}

  /** A list of names and the count it states, and where it ended in the text. */
  record NameList(List<String> names, Integer stated, int end) {
    int count() {
      return stated != null ? stated : names.size();
    }
  }

  /**
   * Reads names from {@code from} until something that is not part of a list (a vote label, a
   * sentence end, ordinary words). "None" gives an empty list.
   */
  static NameList list(String text, int from, Pattern stop) {
    List<String> names = new ArrayList<>();
    Integer stated = null;
    int i = from;
    int end = from;
    Matcher m;
    while (i < text.length()) {
      if (stop != null && (m = stop.matcher(text).region(i, text.length())).lookingAt()) {
        break;
      }
      if ((m = LIST_NONE.matcher(text).region(i, text.length())).lookingAt()) {
        i = end = m.end();
      } else if ((m = LIST_COUNT.matcher(text).region(i, text.length())).lookingAt()
          || (names.isEmpty() && stated == null
              && (m = LIST_NUMBER.matcher(text).region(i, text.length())).lookingAt())) {
        stated = Integer.parseInt(m.group(1));
        i = end = m.end();
        if (!names.isEmpty()) {
          break; // "Foley. (3)": a count after the names closes the list
        }
      } else if ((m = LIST_SEP.matcher(text).region(i, text.length())).lookingAt()
          || (m = LIST_TITLE.matcher(text).region(i, text.length())).lookingAt()) {
        i = m.end();
      } else if ((m = LIST_NAME.matcher(text).region(i, text.length())).lookingAt()) {
        names.add(clean(m.group(1)));
        i = end = m.end();
      } else {
        break;
      }
    }
    return new NameList(names, stated, end);
  }

  /** "Vice Mayor HERRERA SPENCER," -> "Herrera Spencer"; null when nothing is left. */
  static String clean(String titled) {
    if (titled == null) {
      return null;
    }
    String n = titled.trim();
    Matcher t;
    while ((t = TITLE_PREFIX.matcher(n)).find()) {
      n = n.substring(t.end());
    }
    n = n.replaceAll("[,.;:]+$", "").replaceAll("\\s+", " ").trim();
    n = afterHeading(n);
    if (n.length() > 1 && n.equals(n.toUpperCase(Locale.ROOT))) {
      n = capitalise(n.toLowerCase(Locale.ROOT));
    }
    return n.isEmpty() ? null : n;
  }

  /**
   * "Town Hall ADJOURNMENT Dick" -> "Dick": a name caught right after an all-capitals heading keeps
   * only its mixed-case words. A name written all in capitals is left whole.
   */
  private static String afterHeading(String n) {
    String[] words = n.split(" ");
    int lastCaps = -1;
    for (int i = 0; i < words.length; i++) {
      if (words[i].length() > 2 && words[i].equals(words[i].toUpperCase(Locale.ROOT))
          && !words[i].equals(words[i].toLowerCase(Locale.ROOT))) {
        lastCaps = i;
      }
    }
    if (lastCaps < 0 || lastCaps == words.length - 1) {
      return n;
    }
    return String.join(" ", java.util.Arrays.copyOfRange(words, lastCaps + 1, words.length));
  }

  /** OCR of all-caps minutes: "o'brien-smith" -> "O'Brien-Smith". */
  private static String capitalise(String lower) {
    StringBuilder out = new StringBuilder(lower.length());
    boolean start = true;
    for (char ch : lower.toCharArray()) {
      out.append(start ? Character.toUpperCase(ch) : ch);
      start = !Character.isLetter(ch);
    }
    return out.toString();
  }
}
