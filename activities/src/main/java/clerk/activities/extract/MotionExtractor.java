package clerk.activities.extract;

import static clerk.activities.extract.Names.titled;

import clerk.activities.extract.Names.NameList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rule-based extraction of motions and their votes from minutes text, for the phrasings city clerks
 * use: "Motion by X, seconded by Y, to ...", "It was moved by X and seconded by Y that ...",
 * "X moved, seconded by Y, to ...", "X moved to ...; seconded by Y", "MOTION: X / SECOND: Y",
 * "Moved/Seconded: X/Y", followed by "Motion carried 5-0" or a roll call "AYES: ... NOES: ... ABSTAIN:
 * ... ABSENT: ...". Pages are joined so a motion may cross a page break; it belongs to the page it
 * starts on. Stateless and thread-safe.
 */
public final class MotionExtractor {
  private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
  private static final int MAX_MOTION = 500;
  /** How far after the motion clause a vote or result may be and still belong to it. */
  private static final int VOTE_REACH = 400;

  private static final String SECONDED_BY =
      "\\s*[,;]?\\s*(?:and\\s+)?(?:was\\s+|it\\s+was\\s+)?second(?:ed)?\\s+by\\s+";
  private static final String CLAUSE = "(?<clause>(?:to|that)\\s(?:(?!\\bmoved\\b|\\bmotion\\s+(?:carried|passed|failed)).){1,400}?)";

  /** Each way of saying who moved and seconded; named groups mover, seconder, and maybe clause. */
  private static final List<Pattern> STARTS = List.of(
      // Motion by X, seconded by Y, to ... / It was moved by X and seconded by Y that ...
      Pattern.compile("\\b(?:(?:a\\s+)?motion\\s+(?:was\\s+)?(?:made\\s+)?|(?:it\\s+was\\s+)?moved\\s+)by\\s+"
          + titled("mover") + SECONDED_BY + titled("seconder"), FLAGS),
      // X moved, seconded by Y, to ...
      Pattern.compile(titled("mover") + "\\s+moved" + SECONDED_BY + titled("seconder"), FLAGS),
      // X moved and Y seconded (the motion) to ...
      Pattern.compile(titled("mover") + "\\s+moved\\s*,?\\s+and\\s+" + titled("seconder")
          + "\\s+second(?:ed)?(?:\\s+the\\s+motion)?", FLAGS),
      // X moved to ..., seconded by Y / X moved to .... Y seconded the motion.
      Pattern.compile(titled("mover") + "\\s+moved\\s+" + CLAUSE + "\\s*[.;,]?\\s*(?:(?:and\\s+)?"
          + "(?:the\\s+motion\\s+was\\s+|it\\s+was\\s+|was\\s+)?second(?:ed)?\\s+by\\s+"
          + titled("seconder") + "|" + titled("seconder2") + "\\s+second(?:ed)?\\b)", FLAGS),
      // MOTION: X / SECOND: Y ; Moved: X Seconded: Y
      Pattern.compile("\\b(?:MOTION|MOVED(?:\\s+BY)?)\\s*[:;]\\s*" + titled("mover")
          + "\\s*[/,;.]?\\s*SECOND(?:ED)?(?:\\s+BY)?\\s*[:;]\\s*" + titled("seconder"), FLAGS),
      // Moved/Seconded: X/Y ; M/S: X/Y
      Pattern.compile("\\b(?:MOVED\\s*/\\s*SECOND(?:ED)?(?:\\s+BY)?|M\\s*/\\s*S)\\s*[:;]?\\s*"
          + titled("mover") + "\\s*/\\s*" + titled("seconder"), FLAGS));

  private static final Pattern PAGE_NUMBER =
      Pattern.compile("\\s*(?:-\\s*)?(?:page\\s+)?\\d{1,4}(?:\\s+of\\s+\\d{1,4})?(?:\\s*-)?\\s*", FLAGS);
  /** Lines that carry a motion or vote are content even when pages happen to start alike. */
  private static final Pattern NOT_HEADER =
      Pattern.compile("\\b(?:moved|second(?:ed)?|motion\\s+by|ayes|noes|nays)\\b", FLAGS);
  private static final Pattern GAP = Pattern.compile("[\\s.;,]*");
  private static final Pattern SKIP = Pattern.compile("\\s*[,:;–—-]?\\s*");
  private static final Pattern CLAUSE_START = Pattern.compile("(?:to|that)\\s", FLAGS);
  private static final Pattern SENTENCE_END =
      Pattern.compile("(?<!\\b(?:No|Nos|St|Ave|Blvd|Mr|Mrs|Ms|Dr|Inc|Co|Corp|Ltd|Jr|Sr|vs|p\\.m|a\\.m|\\p{Lu}))"
          + "\\.(?=\\s+[\\p{Lu}\\d\"“(]|\\s*$)");
  /** A vote label such as "AYES:", "Noes (1):", "Voting Aye:". */
  private static final Pattern LABEL = Pattern.compile(
      "\\b(?:voting\\s+)?(ayes?|yeas?|yes|noes|nos?|nays?|abstain(?:ed|ing|s)?|abstentions?|absent|"
          + "not\\s+present|recused?|present)\\s*(?:\\(\\s*\\d+\\s*\\))?\\s*[:;]", FLAGS);
  private static final Pattern RESULT = Pattern.compile(
      "(?:\\b(?:the\\s+)?(?:motion|it|item|which|and|vote)\\s+(?:as\\s+amended\\s*,?\\s+)?"
          + "(?:was\\s+|is\\s+|has\\s+)?|(?:^|[.;:)]\\s*))(?<unan>unanimously\\s+)?"
          + "(?<word>carried|carries|passed|passes|prevailed|approved|adopted|failed|fails|defeated|"
          + "denied|lost|did\\s+not\\s+(?:pass|carry))\\b", FLAGS);
  private static final String TALLY =
      "(?<a>\\d{1,2})\\s*(?:-|–|—|to)\\s*(?<n>\\d{1,2})(?:\\s*(?:-|–|—)\\s*(?<x>\\d{1,2}))?"
          + "(?:\\s*(?:-|–|—)\\s*(?<y>\\d{1,2}))?\\b";
  private static final Pattern TALLY_AFTER = Pattern.compile("\\s*,?\\s*(?:\\(|by\\s+(?:a\\s+)?"
      + "(?:(?:roll[\\s-]+call\\s+)?vote\\s+of\\s+)?|on\\s+a\\s+(?:vote\\s+of\\s+)?|with\\s+a\\s+"
      + "(?:vote\\s+of\\s+)?)?\\s*" + TALLY, FLAGS);
  private static final Pattern TALLY_BEFORE = Pattern.compile(
      "(?:by|on|with)\\s+a\\s+(?:vote\\s+of\\s+)?" + TALLY + "\\s*(?:vote)?\\s*,?\\s*(?:the\\s+)?"
          + "(?:motion\\s+)?(?:was\\s+)?$", FLAGS);
  private static final Pattern VOTE_TALLY = Pattern.compile("\\bvote\\s*[:;]?\\s*" + TALLY, FLAGS);
  private static final Pattern UNANIMOUS_AFTER =
      Pattern.compile("\\s*,?\\s*(?:by\\s+(?:a\\s+)?)?unanimous(?:ly)?\\b", FLAGS);
  private static final Pattern PAREN = Pattern.compile("\\s*[,;]?\\s*\\(([^()]{1,160})\\)");
  private static final Pattern ATTENDANCE =
      Pattern.compile("(?<!\\balso\\s)\\b(?:members\\s+)?present\\s*[:;]", FLAGS);
  /** Text before a "MOTION: X / SECOND: Y" line that says what was moved. */
  private static final Pattern CLAUSE_BEFORE = Pattern.compile(
      "\\b(?:motion|action)\\s*[:;]?\\s*((?:to|that)\\s[^.]{3," + MAX_MOTION + "}?)\\s*\\.?\\s*$",
      FLAGS);

  /** A who-moved-and-seconded match. */
  private record Start(int start, int end, String mover, String seconder, String clause) {}

  public List<Motion> extract(List<String> pages) {
    StringBuilder joined = new StringBuilder();
    int[] pageStarts = new int[pages.size()];
    Map<String, Set<Integer>> tops = tops(pages);
    for (int i = 0; i < pages.size(); i++) {
      pageStarts[i] = joined.length();
      joined.append(normalise(withoutRunningHeader(pages, i, tops))).append(' ');
    }
    String text = joined.toString();
    List<Start> starts = starts(text);
    List<Motion> motions = new ArrayList<>();
    for (int i = 0; i < starts.size(); i++) {
      int limit = i + 1 < starts.size() ? starts.get(i + 1).start() : text.length();
      int previousEnd = i > 0 ? starts.get(i - 1).end() : 0;
      motions.add(motion(text, starts.get(i), previousEnd, limit, page(pageStarts, starts.get(i).start()),
          i + 1));
    }
    return motions;
  }

  /**
   * Page {@code i} without the lines repeated at the top of every page ("CITY OF X", "Minutes of
   * January 16, 2024 - Page 2"), which would otherwise land inside a motion that crosses the break.
   */
  static String withoutRunningHeader(List<String> pages, int i, Map<String, Set<Integer>> tops) {
    List<String> lines = List.of(pages.get(i).split("\\r?\\n", -1));
    int drop = 0;
    for (int k = 0; k < lines.size() && k < 4; k++) {
      String line = lines.get(k);
      Set<Integer> on = tops.getOrDefault(headerKey(line), Set.of());
      boolean repeated = (on.size() > 1 || on.size() == 1 && !on.contains(i))
          && !NOT_HEADER.matcher(line).find();
      if (line.isBlank() || repeated || PAGE_NUMBER.matcher(line).matches()) {
        drop = k + 1;
      } else {
        break;
      }
    }
    return String.join("\n", lines.subList(drop, lines.size()));
  }

  /** The first three non-blank lines of each page, by the pages they head. */
  private static Map<String, Set<Integer>> tops(List<String> pages) {
    Map<String, Set<Integer>> tops = new HashMap<>();
    for (int j = 0; j < pages.size(); j++) {
      int page = j;
      pages.get(j).lines().filter(l -> !l.isBlank()).limit(3).map(MotionExtractor::headerKey)
          .forEach(key -> tops.computeIfAbsent(key, k -> new HashSet<>()).add(page));
    }
    return tops;
  }

  private static String headerKey(String line) {
    return line.strip().replaceAll("\\s+", " ").replaceAll("\\d+", "#").toLowerCase(Locale.ROOT);
  }

  /** One line of text per page: OCR line breaks, wrapped hyphenation and stray spaces undone. */
  static String normalise(String page) {
    return page.replace("\u00AD", "")
        .replaceAll("(\\p{L})-[ \\t]*\\r?\\n\\s*(\\p{Ll})", "$1$2")
        .replaceAll("\\s+", " ")
        .replaceAll(" (?=[,.;:](?:\\s|$))", "")
        .trim();
  }

  private static List<Start> starts(String text) {
    List<Start> all = new ArrayList<>();
    for (Pattern p : STARTS) {
      Matcher m = p.matcher(text);
      boolean hasClause = p.pattern().contains("?<clause>");
      boolean hasSecond2 = p.pattern().contains("?<seconder2>");
      while (m.find()) {
        String seconder = m.group("seconder");
        if (seconder == null && hasSecond2) {
          seconder = m.group("seconder2");
        }
        all.add(new Start(m.start(), m.end(), Names.clean(m.group("mover")), Names.clean(seconder),
            hasClause ? m.group("clause") : null));
      }
    }
    all.sort(Comparator.comparingInt(Start::start).thenComparing(s -> -s.end()));
    List<Start> kept = new ArrayList<>();
    for (Start s : all) {
      if (kept.isEmpty() || s.start() >= kept.get(kept.size() - 1).end()) {
        kept.add(s);
      }
    }
    return kept;
  }

  private static Motion motion(String text, Start start, int previousEnd, int limit, int page, int seq) {
    String clause = start.clause();
    int after = start.end();
    if (clause == null) {
      Matcher skip = SKIP.matcher(text).region(after, limit);
      int from = skip.lookingAt() ? skip.end() : after;
      int end = clauseEnd(text, from, limit);
      clause = text.substring(from, end);
      if (!CLAUSE_START.matcher(clause).lookingAt()) {
        // "Motion to approve ... MOTION: X / SECOND: Y": what was moved came first.
        String earlier = before(text, previousEnd, start.start());
        if (earlier != null) {
          clause = earlier;
          end = from;
        }
      }
      after = end;
    }
    String what = tidy(clause);

    Map<String, List<String>> votes = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    int reach = Math.min(limit, after + VOTE_REACH);
    int voteEnd = rollCall(text, after, reach, votes, counts);

    String result = null;
    Matcher r = RESULT.matcher(text).region(after, Math.min(limit, Math.max(reach, voteEnd + VOTE_REACH)));
    r.useAnchoringBounds(true);
    if (r.find()) {
      String word = r.group("word").toLowerCase(Locale.ROOT);
      result = word.startsWith("fail") || word.startsWith("defeat") || word.startsWith("denied")
          || word.startsWith("lost") || word.startsWith("did") ? "failed" : "carried";
      boolean unanimous = r.group("unan") != null
          || UNANIMOUS_AFTER.matcher(text).region(r.end(), limit).lookingAt();
      Matcher tally = TALLY_AFTER.matcher(text).region(r.end(), limit);
      if (!tally.lookingAt()) {
        tally = TALLY_BEFORE.matcher(text).region(Math.max(after, r.start() - 60), r.start());
        if (!tally.find()) {
          tally = VOTE_TALLY.matcher(text).region(after, Math.min(limit, r.end() + 60));
          tally = tally.find() ? tally : null;
        }
      }
      if (tally != null) {
        tally(text, tally, limit, votes, counts);
      } else if (unanimous) {
        unanimous(text, start.start(), votes, counts);
      }
    }
    return new Motion(page, seq, what, start.mover(), start.seconder(), result, counts.get("ayes"),
        counts.get("nays"), counts.get("abstain"), counts.get("absent"), votes);
  }

  /** Where the motion clause ends: a sentence end, a vote label or result, or the next motion. */
  private static int clauseEnd(String text, int from, int limit) {
    int end = limit;
    Matcher s = SENTENCE_END.matcher(text).region(from, limit);
    if (s.find()) {
      end = s.start();
    }
    Matcher l = LABEL.matcher(text).region(from, end);
    if (l.find()) {
      end = l.start();
    }
    Matcher r = RESULT.matcher(text).region(from, end);
    r.useAnchoringBounds(false);
    if (r.find()) {
      end = r.start();
    }
    return Math.min(end, from + MAX_MOTION + 200);
  }

  private static String before(String text, int from, int to) {
    Matcher m = CLAUSE_BEFORE.matcher(text).region(Math.max(from, to - MAX_MOTION - 40), to);
    return m.find() ? m.group(1) : null;
  }

  /** Reads a roll-call vote starting near {@code from}; returns where it ended. */
  private static int rollCall(String text, int from, int reach, Map<String, List<String>> votes,
      Map<String, Integer> counts) {
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
      if (!list.names().isEmpty() || list.stated() == null) {
        votes.put(key, list.names());
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

  private static String key(String label) {
    String l = label.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    if (l.startsWith("ay") || l.startsWith("ye")) {
      return "ayes";
    }
    if (l.startsWith("no") && !l.startsWith("not") || l.startsWith("na")) {
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
  private static void tally(String text, Matcher t, int limit, Map<String, List<String>> votes,
      Map<String, Integer> counts) {
    Map<String, List<String>> named = new LinkedHashMap<>();
    Matcher p = PAREN.matcher(text).region(t.end(), limit);
    if (p.lookingAt()) {
      for (String part : p.group(1).split(";")) {
        String key = parenKey(part);
        if (key != null) {
          named.put(key, Names.list(part, 0, null).names());
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
  private static void unanimous(String text, int motionStart, Map<String, List<String>> votes,
      Map<String, Integer> counts) {
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

  private static String tidy(String clause) {
    String t = clause.replaceAll("\\s+", " ").trim().replaceAll("[\\s.,;:]+$", "");
    if (t.length() > MAX_MOTION) {
      int cut = t.lastIndexOf(' ', MAX_MOTION);
      t = t.substring(0, cut > MAX_MOTION / 2 ? cut : MAX_MOTION);
    }
    return t;
  }

  private static int page(int[] starts, int offset) {
    int page = 1;
    for (int i = 0; i < starts.length; i++) {
      if (starts[i] <= offset) {
        page = i + 1;
      }
    }
    return page;
  }
}
