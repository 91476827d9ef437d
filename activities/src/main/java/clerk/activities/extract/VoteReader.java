package clerk.activities.extract;

import clerk.activities.extract.Names.NameList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What became of a motion, read from the text that follows it up to the next motion: the result
 * ("Motion carried", "Unanimously Agreed", "And Resolved", "(Y-5)"), the tally ("4-2-1-1", "15 to
 * 0", "4 Votes for 2 Votes against") and the roll call ("AYES: ... NOES: ...", "Yeas: A, B", or
 * "Dick aye, Gary aye, Jan aye"), names resolved against the meeting's roster.
 */
final class VoteReader {
  private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
  /** A vote label such as "AYES:", "Noes (1):", "Voting Aye:", "Yeas:". */
  static final Pattern LABEL = Pattern.compile(
      "\\b(?:voting\\s+)?(ayes?|yeas?|yes|noes|nos?|nays?|for|against|in\\s+favou?r|abstain(?:ed|ing|s)?|abstentions?"
          + "|absent|not\\s+present|recused?|present)\\s*(?:\\(\\s*\\d+\\s*\\))?\\s*[:;]", FLAGS);
  /** A result word, after its subject ("the motion was ...") or at the start of a sentence. */
  static final Pattern RESULT = Pattern.compile(
      "(?:\\b(?:the\\s+)?(?:motion|it|item|which|and|vote|resolution|proposal)\\s+"
          + "(?:as\\s+amended\\s*,?\\s+)?(?:was\\s+|is\\s+|has\\s+been\\s+|has\\s+)?|(?:^|[.;:()\\-–—]\\s*))"
          + "(?<unan>unanimously\\s+)?(?<word>carried|carries|passed|passes|prevailed|approved|adopted|agreed"
          + "|resolved|failed|fails|defeated|denied|refused|rejected|lost|tabled|withdrawn|did\\s+not\\s+(?:pass|carry))\\b"
          + "|\\bdeclared\\s+(?:[\\p{L}.'’‟ ]{1,60}?\\s)?(?<elected>elected)\\b", FLAGS);
  /** Portland's disposition of a roll call: "(Y-5)", "(Y-4 N-1)". */
  private static final Pattern ROLL_CALL_DISPOSITION = Pattern.compile("\\(Y-(?<a>\\d{1,2})(?:\\s+N-(?<n>\\d{1,2}))?\\)");
  private static final String TALLY =
      "(?<a>\\d{1,2})\\s*(?:-|–|—|to)\\s*(?<n>\\d{1,2})(?:\\s*(?:-|–|—)\\s*(?<x>\\d{1,2}))?"
          + "(?:\\s*(?:-|–|—)\\s*(?<y>\\d{1,2}))?\\b";
  private static final Pattern TALLY_AFTER = Pattern.compile("\\s*,?\\s*(?:\\(|by\\s+(?:a\\s+)?"
      + "(?:(?:roll[\\s-]+call\\s+)?vote\\s+of\\s+)?|on\\s+a\\s+(?:vote\\s+of\\s+)?|with\\s+a\\s+"
      + "(?:vote\\s+of\\s+)?)?\\s*" + TALLY, FLAGS);
  private static final Pattern TALLY_BEFORE = Pattern.compile(
      "(?:by|on|with)\\s+a\\s+(?:vote\\s+of\\s+)?" + TALLY + "\\s*(?:vote)?\\s*,?\\s*(?:the\\s+)?"
          + "(?:motion\\s+)?(?:was\\s+)?$", FLAGS);
  /** "VOTE: 4-2-1-1". */
  private static final Pattern VOTE_TALLY = Pattern.compile("\\bvote\\s*[:;]?\\s*" + TALLY, FLAGS);
  /** One count of a vote said in words: "4 Votes for", "2 Against", "1 Abstention". */
  private static final Pattern COUNTED = Pattern.compile(
      "\\b(?<n>\\d{1,2})\\s+(?<what>votes?\\s+for|for|votes?\\s+against|against|abstentions?|abstained)\\b", FLAGS);
  private static final Pattern COUNTED_SEPARATOR = Pattern.compile("\\s*[,;]?\\s*(?:and\\s+)?", FLAGS);
  /** "There were no abstentions." */
  private static final Pattern NO_ABSTENTIONS = Pattern.compile("\\bno\\s+abstentions\\b", FLAGS);
  /** One member's vote said inline: "Dick aye", "Gary Mantay yea". */
  private static final Pattern INLINE_VOTE = Pattern.compile(
      "(?<name>" + Names.NAME + ")\\s+(?<vote>ayes?|yeas?|nays?|abstain(?:ed|s)?|absent)\\b", FLAGS);
  private static final Pattern INLINE_SEPARATOR = Pattern.compile("\\s*[,;]?\\s*(?:and\\s+)?", FLAGS);
  private static final Pattern UNANIMOUS_AFTER =
      Pattern.compile("\\s*,?\\s*(?:by\\s+(?:a\\s+)?)?unanimous(?:ly)?\\b", FLAGS);
  private static final Pattern PAREN = Pattern.compile("\\s*[,;]?\\s*\\(([^()]{1,160})\\)");
  private static final Pattern GAP = Pattern.compile("[\\s.;,]*");
  /** "Motion Passed", "motion carried": a result that names the motion, so it may be far after long words. */
  private static final Pattern MOTION_RESULT = Pattern.compile(
      "\\bmotion\\s+(?:was\\s+)?(?:passed|carried|failed|defeated)\\b", FLAGS);
  /** How far a long motion's words may push its vote from where the words began. */
  private static final int SIGN_REACH = 3000;
  private static final Pattern ATTENDANCE =
      Pattern.compile("(?<!\\balso\\s)\\b(?:members\\s+)?present\\s*[:;]", FLAGS);

  /**
   * A motion's outcome; counts and names by vote ("ayes", "nays", "abstain", "absent"); {@code end}:
   * where the last of it that was read (result, tally, roll call) ends, for the motion's raw text.
   */
  record Outcome(String result, Map<String, Integer> counts, Map<String, List<String>> votes, int end) {}

  private final String text;
  private final Roster roster;

  VoteReader(String text, Roster roster) {
    this.text = text;
    this.roster = roster;
  }

  /**
   * The outcome of the motion whose text ends at {@code from}; {@code limit} is where the next
   * motion starts; {@code motionStart} where this one started (for a unanimous vote's roll call).
   */
  Outcome read(int from, int limit, int reach, int motionStart, String impliedResult) {
    Map<String, List<String>> votes = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    int end = Math.min(limit, firstSign(from, limit) + reach);
    int voteEnd = rollCall(from, end, votes, counts);
    int readTo = voteEnd;
    boolean inline = votes.isEmpty() && inlineVotes(from, end, votes, counts);

    String result = impliedResult;
    Matcher d = ROLL_CALL_DISPOSITION.matcher(text).region(from, end);
    Matcher r = RESULT.matcher(text).region(from, Math.min(limit, Math.max(end, voteEnd + reach)));
    r.useAnchoringBounds(true);
    boolean hasResult = r.find();
    if (d.find() && (!hasResult || d.start() < r.start())) {
      result = "carried";
      readTo = Math.max(readTo, d.end());
      counts.putIfAbsent("ayes", Integer.parseInt(d.group("a")));
      counts.putIfAbsent("nays", d.group("n") == null ? 0 : Integer.parseInt(d.group("n")));
    } else if (hasResult) {
      result = result(r);
      readTo = Math.max(readTo, r.end());
      boolean unanimous = r.group("unan") != null
          || UNANIMOUS_AFTER.matcher(text).region(r.end(), limit).lookingAt();
      Matcher tally = tallyNear(from, r, limit);
      if (tally != null) {
        readTo = Math.max(readTo, tally.end());
        tally(tally, limit, votes, counts);
      } else if (unanimous) {
        unanimous(motionStart, votes, counts);
      }
    }
    counted(from, end, counts);
    if (counts.containsKey("ayes") && NO_ABSTENTIONS.matcher(text).region(from, end).find()) {
      counts.putIfAbsent("abstain", 0);
    }
    if (result == null && inline) {
      // Members' votes with no result word ("Take a vote: Dick aye, Gary aye, Jan aye"): the count decides.
      result = counts.get("ayes") > counts.getOrDefault("nays", 0) ? "carried" : "failed";
    }
    return new Outcome(result, counts, votes, readTo);
  }

  /** Where the first sign of a vote is (a label, a result, a member's vote): long motions put it far. */
  private int firstSign(int from, int limit) {
    int to = Math.min(limit, from + SIGN_REACH);
    int first = to;
    for (Pattern p : List.of(LABEL, MOTION_RESULT, ROLL_CALL_DISPOSITION, INLINE_VOTE)) {
      Matcher m = p.matcher(text).region(from, first);
      if (m.find()) {
        first = m.start();
      }
    }
    return first == to ? from : first;
  }

  /** "4 Votes For, 2 Abstentions" / "2 Votes For, 3 Against, 1 Abstention": counts said in words. */
  private void counted(int from, int end, Map<String, Integer> counts) {
    Matcher c = COUNTED.matcher(text).region(from, end);
    if (!c.find()) {
      return;
    }
    Matcher sep = COUNTED_SEPARATOR.matcher(text);
    int at = c.start();
    while (at < end && c.region(at, end).lookingAt()) {
      String what = c.group("what").toLowerCase(Locale.ROOT);
      String key = what.contains("for") ? "ayes" : what.contains("against") ? "nays" : "abstain";
      counts.putIfAbsent(key, Integer.parseInt(c.group("n")));
      at = c.end();
      if (!sep.region(at, end).lookingAt()) {
        break;
      }
      at = sep.end();
    }
  }

  private static String result(Matcher r) {
    if (r.group("elected") != null) {
      return "carried";
    }
    String word = r.group("word").toLowerCase(Locale.ROOT);
    if (word.startsWith("tabled")) {
      return "tabled";
    }
    if (word.startsWith("withdrawn")) {
      return "withdrawn";
    }
    return word.startsWith("fail") || word.startsWith("defeat") || word.startsWith("denied")
        || word.startsWith("refused") || word.startsWith("rejected") || word.startsWith("lost")
        || word.startsWith("did") ? "failed" : "carried";
  }

  private Matcher tallyNear(int from, Matcher r, int limit) {
    Matcher after = TALLY_AFTER.matcher(text).region(r.end(), limit);
    if (after.lookingAt()) {
      return after;
    }
    Matcher before = TALLY_BEFORE.matcher(text).region(Math.max(from, r.start() - 60), r.start());
    if (before.find()) {
      return before;
    }
    Matcher vote = VOTE_TALLY.matcher(text).region(from, Math.min(limit, r.end() + 60));
    return vote.find() ? vote : null;
  }

  /** Reads a labelled roll call ("AYES: ... NOES: ...") starting near {@code from}; returns where it ended. */
  private int rollCall(int from, int reach, Map<String, List<String>> votes, Map<String, Integer> counts) {
    Matcher l = LABEL.matcher(text).region(from, reach);
    if (!l.find()) {
      return from;
    }
    int end = from;
    while (true) {
      String key = key(l.group(1));
      if (key == null || votes.containsKey(key)) {
        return end;
      }
      NameList list = Names.list(text, l.end(), LABEL);
      List<String> names = list.names().stream().map(roster::resolve).toList();
      if (!names.isEmpty() || list.stated() == null) {
        votes.put(key, names);
      }
      counts.put(key, list.count());
      end = list.end();
      // The next label must follow at once ("... (4). NOES: ..."), or the vote is over.
      Matcher gap = GAP.matcher(text).region(end, text.length());
      gap.lookingAt();
      l = LABEL.matcher(text).region(gap.end(), text.length());
      if (!l.lookingAt()) {
        return end;
      }
    }
  }

  /** "Dick aye, Gary aye, and Jan nay": two or more members' votes in a row; whether there were. */
  private boolean inlineVotes(int from, int end, Map<String, List<String>> votes, Map<String, Integer> counts) {
    Matcher v = INLINE_VOTE.matcher(text).region(from, end);
    while (v.find()) {
      Map<String, List<String>> run = new LinkedHashMap<>();
      int at = v.start();
      Matcher one = INLINE_VOTE.matcher(text);
      Matcher sep = INLINE_SEPARATOR.matcher(text);
      int n = 0;
      while (at < end && one.region(at, end).lookingAt()) {
        String key = key(one.group("vote"));
        run.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(roster.resolve(Names.clean(one.group("name"))));
        n++;
        at = one.end();
        if (!sep.region(at, end).lookingAt()) {
          break;
        }
        at = sep.end();
      }
      if (n >= 2) {
        run.forEach((k, names) -> {
          votes.put(k, names);
          counts.put(k, names.size());
        });
        return true;
      }
      v.region(v.end(), end);
    }
    return false;
  }

  private static String key(String label) {
    String l = label.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    if (l.startsWith("ay") || l.startsWith("ye") || l.equals("for") || l.startsWith("in favo")) {
      return "ayes";
    }
    if (l.startsWith("no") && !l.startsWith("not") || l.startsWith("na") || l.equals("against")) {
      return "nays";
    }
    if (l.startsWith("abst") || l.startsWith("recus")) {
      return "abstain";
    }
    if (l.startsWith("absent") || l.startsWith("not present")) {
      return "absent";
    }
    return null; // "Present:" starts attendance, not a vote
  }

  /** "carried 4-0-1 (Patel absent)": numbers fill what the roll call did not say. */
  private void tally(Matcher t, int limit, Map<String, List<String>> votes, Map<String, Integer> counts) {
    Map<String, List<String>> named = new LinkedHashMap<>();
    Matcher p = PAREN.matcher(text).region(t.end(), limit);
    if (p.lookingAt()) {
      for (String part : p.group(1).split(";")) {
        String key = parenKey(part);
        if (key != null) {
          named.put(key, Names.list(part, 0, null).names().stream().map(roster::resolve).toList());
        }
      }
    }
    counts.putIfAbsent("ayes", Integer.parseInt(t.group("a")));
    counts.putIfAbsent("nays", Integer.parseInt(t.group("n")));
    if (t.group("x") != null) {
      // "4-0-1 (Patel absent)" counts an absence; otherwise the third number is abstentions.
      boolean absentThird = t.group("y") == null && named.size() == 1 && named.containsKey("absent");
      counts.putIfAbsent(absentThird ? "absent" : "abstain", Integer.parseInt(t.group("x")));
    }
    if (t.group("y") != null) {
      counts.putIfAbsent("absent", Integer.parseInt(t.group("y")));
    }
    named.forEach((key, names) -> {
      votes.putIfAbsent(key, names);
      counts.putIfAbsent(key, names.size());
    });
  }

  private static String parenKey(String part) {
    String p = part.toLowerCase(Locale.ROOT);
    if (p.matches(".*\\b(absent|excused|not present)\\b.*")) {
      return "absent";
    }
    if (p.matches(".*\\b(abstain\\w*|abstention|recused?)\\b.*")) {
      return "abstain";
    }
    if (p.matches(".*\\b(no|nay|noes|opposed|dissent\\w*|against)\\b.*")) {
      return "nays";
    }
    return null;
  }

  /** "Motion carried unanimously": everyone present at the last roll call voted aye. */
  private void unanimous(int motionStart, Map<String, List<String>> votes, Map<String, Integer> counts) {
    counts.putIfAbsent("nays", 0);
    Matcher a = ATTENDANCE.matcher(text).region(0, motionStart);
    int at = -1;
    while (a.find()) {
      at = a.end();
    }
    if (at < 0 || votes.containsKey("ayes")) {
      return;
    }
    NameList present = Names.list(text, at, LABEL);
    if (present.count() == 0) {
      return;
    }
    counts.putIfAbsent("ayes", present.count());
    if (!present.names().isEmpty()) {
      votes.put("ayes", present.names());
    }
    Matcher gap = GAP.matcher(text).region(present.end(), text.length());
    gap.lookingAt();
    Matcher l = LABEL.matcher(text).region(gap.end(), text.length());
    if (l.lookingAt() && "absent".equals(key(l.group(1)))) {
      NameList absent = Names.list(text, l.end(), LABEL);
      counts.putIfAbsent("absent", absent.count());
      votes.putIfAbsent("absent", absent.names());
    }
  }
}
