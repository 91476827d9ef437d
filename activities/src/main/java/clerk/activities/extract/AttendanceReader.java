package clerk.activities.extract;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who attended a meeting, from its minutes' roll call: the members listed as present (the headings
 * {@link Roster} reads), absent ("Absent:", "Members absent:", "Not present:") and sending regrets
 * ("Regrets:", "Apologies:", "Excused:", "Absent with notice:"). Only the roll call is read: the text
 * from the start to {@link #ROLL_CALL_REACH} characters after the first "Present" list, and an
 * "Absent:" that closes a vote's roll call ("AYES: … NOES: … ABSENT: …") is not attendance.
 */
public final class AttendanceReader {
  /** How far after the members present the absent and excused may still be listed. */
  static final int ROLL_CALL_REACH = 1500;

  public static final String PRESENT = "present";
  public static final String ABSENT = "absent";
  public static final String REGRETS = "regrets";

  /** A member and how the minutes list them. */
  public record Attendee(String name, String status) {}

  private static final int FLAGS = Pattern.CASE_INSENSITIVE;
  /** "Absent:", "Members absent:", "Not present:" (a colon or dash: "absent" in a sentence is not a list). */
  private static final Pattern ABSENT_LIST = Pattern.compile(
      "\\b(?:(?:members|councillors|councilmembers|trustees|commissioners)\\s+)?(?:absent(?:\\s+were)?|not\\s+present)"
          + "\\s*[:;-]\\s*", FLAGS);
  /** "Regrets:", "Apologies:", "Apologies for absence:", "Excused:", "Absent with notice:". */
  private static final Pattern REGRETS_LIST = Pattern.compile(
      "\\b(?:regrets|apologies(?:\\s+for\\s+absence)?(?:\\s+were\\s+received\\s+from)?|excused(?:\\s+absence)?"
          + "|absent\\s+with\\s+(?:notice|leave))\\s*[:;-]?\\s*", FLAGS);
  /** A vote's roll call just before: its "Absent:" belongs to the vote. */
  private static final Pattern VOTE_LABEL = Pattern.compile("\\b(?:ayes|yeas|noes|nays)\\s*:", FLAGS);
  private static final int VOTE_LOOKBACK = 300;
  /** What a list says when nobody is in it. */
  private static final Set<String> NOBODY = Set.of("none", "nil", "nobody", "n/a", "no");

  /** The members listed, each once (present wins over a later listing), in the order the minutes give them. */
  public List<Attendee> read(List<String> pages) {
    return read(DocumentText.of(pages));
  }

  /** {@link #read(List)} of a document's text made for its other readers too. */
  public List<Attendee> read(DocumentText document) {
    String text = document.text;
    List<Integer> present = Roster.presentLists(text);
    int end = Math.min(text.length(), (present.isEmpty() ? 0 : present.get(0)) + ROLL_CALL_REACH);
    Map<String, String> status = new LinkedHashMap<>();
    for (int at : present) {
      if (at <= end) {
        add(status, Roster.namesAfter(text, at), PRESENT);
      }
    }
    Matcher regrets = REGRETS_LIST.matcher(text).region(0, end);
    List<int[]> regretSpans = new ArrayList<>();
    while (regrets.find()) {
      regretSpans.add(new int[] {regrets.start(), regrets.end()});
      add(status, Roster.namesAfter(text, regrets.end()), REGRETS);
    }
    Matcher absent = ABSENT_LIST.matcher(text).region(0, end);
    while (absent.find()) {
      int start = absent.start();
      if (regretSpans.stream().anyMatch(s -> start >= s[0] && start < s[1]) || afterVote(text, start)) {
        continue;
      }
      add(status, Roster.namesAfter(text, absent.end()), ABSENT);
    }
    List<Attendee> out = new ArrayList<>();
    status.forEach((name, s) -> out.add(new Attendee(name, s)));
    return out;
  }

  private static boolean afterVote(String text, int at) {
    return VOTE_LABEL.matcher(text).region(Math.max(0, at - VOTE_LOOKBACK), at).find();
  }

  private static void add(Map<String, String> status, List<String> names, String what) {
    for (String name : names) {
      if (!NOBODY.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        status.putIfAbsent(name, what);
      }
    }
  }
}
