package clerk.activities.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The members a meeting's minutes list as present, so that a name written differently later in
 * the same minutes resolves to one person: a first name ("Dick makes a motion" -> Dillon), a short
 * first name ("Jan" -> Janet Keough), or a surname the OCR misread by one letter ("Keougn").
 */
final class Roster {
  /** Where attendance is listed: "Present:", "Members present were", "Those Attending:", ... */
  private static final Pattern ATTENDANCE = Pattern.compile(
      "\\b(?:(?:members|supervisors|councillors|trustees|commissioners)\\s+present(?:\\s+were)?|present(?:\\s+were)?"
          + "|those\\s+(?:attending|in\\s+attendance\\s+(?:are|were))|attending\\s+the\\s+meeting\\s+were"
          + "|in\\s+attendance\\s+were)\\s*[:;,-]?\\s*",
      Pattern.CASE_INSENSITIVE);
  /** How much text after an attendance heading may list names. */
  private static final int LIST_REACH = 400;
  private static final Pattern NAME = Pattern.compile(
      "(?:" + Names.TITLE + "\\s+){0,2}(" + Names.NAME + ")");
  private static final Pattern SEPARATOR = Pattern.compile(
      "\\s*(?:,|;|&|\\band\\b|[-–—]|\\([^)]{0,30}\\))\\s*|\\s*(?:and\\s+)?(?:supervisors?|treasurers?|clerks?|mayor|chair)\\s+",
      Pattern.CASE_INSENSITIVE);

  private static final Pattern HEADING_AFTER = Pattern.compile("\\s*:");

  /** One member: the name as listed, its words. */
  private record Member(String full, String surname, String first) {}

  private final List<Member> members;

  private Roster(List<Member> members) {
    this.members = members;
  }

  static Roster of(String text) {
    List<Member> members = new ArrayList<>();
    Matcher a = ATTENDANCE.matcher(text);
    while (a.find()) {
      for (String full : namesAfter(text, a.end())) {
        String[] words = full.split(" ");
        members.add(new Member(full, words[words.length - 1],
            words.length > 1 && !words[0].endsWith(".") ? words[0] : null));
      }
    }
    return new Roster(members);
  }

  /** Where the list of members present starts, after each heading that introduces one. */
  static List<Integer> presentLists(String text) {
    List<Integer> out = new ArrayList<>();
    Matcher a = ATTENDANCE.matcher(text);
    while (a.find()) {
      out.add(a.end());
    }
    return out;
  }

  /** The names listed from {@code at} on (titles removed): "Councillors Foley, Galvin and Keane". */
  static List<String> namesAfter(String text, int at) {
    List<String> names = new ArrayList<>();
    int end = Math.min(text.length(), at + LIST_REACH);
    Matcher name = NAME.matcher(text);
    Matcher sep = SEPARATOR.matcher(text);
    while (at < end) {
      while (at < end && sep.region(at, end).lookingAt() && sep.end() > at) {
        at = sep.end();
      }
      if (!name.region(at, end).lookingAt()) {
        break;
      }
      String full = Names.clean(name.group(1));
      if (full != null && HEADING_AFTER.matcher(text).region(name.end(), end).lookingAt() && full.contains(" ")) {
        // "... Foley and Galvin Officials: P. Crowe": the last word heads the next list.
        full = full.substring(0, full.lastIndexOf(' '));
      }
      if (full != null) {
        names.add(full);
      }
      at = name.end();
      if (!sep.region(at, end).lookingAt()) {
        break;
      }
    }
    return names;
  }

  /** The member {@code name} refers to, as a surname; the name itself when no member fits. */
  String resolve(String name) {
    if (name == null || members.isEmpty()) {
      return name;
    }
    String[] words = name.split(" ");
    String last = words[words.length - 1];
    if (words.length == 1) {
      Member byFirst = only(m -> m.first() != null && !equalsIgnoreCase(m.surname(), last)
          && (equalsIgnoreCase(m.first(), last) || last.length() >= 3 && startsWithIgnoreCase(m.first(), last)));
      if (byFirst != null && members.stream().noneMatch(m -> equalsIgnoreCase(m.surname(), last))) {
        return byFirst.surname();
      }
    }
    if (members.stream().anyMatch(m -> equalsIgnoreCase(m.surname(), last))) {
      return name;
    }
    Member near = only(m -> last.length() >= 5 && oneEditApart(lower(m.surname()), lower(last)));
    return near == null ? name : name.substring(0, name.length() - last.length()) + near.surname();
  }

  private Member only(java.util.function.Predicate<Member> test) {
    List<String> surnames = members.stream().filter(test).map(Member::surname).distinct().toList();
    return surnames.size() == 1 ? members.stream().filter(test).findFirst().orElse(null) : null;
  }

  private static boolean oneEditApart(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 1 || a.equals(b)) {
      return false;
    }
    int i = 0;
    while (i < Math.min(a.length(), b.length()) && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    if (a.length() == b.length()) {
      return a.substring(i + 1).equals(b.substring(i + 1));
    }
    return a.length() > b.length() ? a.substring(i + 1).equals(b.substring(i)) : a.substring(i).equals(b.substring(i + 1));
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static boolean equalsIgnoreCase(String a, String b) {
    return a.equalsIgnoreCase(b);
  }

  private static boolean startsWithIgnoreCase(String a, String prefix) {
    return a.regionMatches(true, 0, prefix, 0, prefix.length());
  }
}
