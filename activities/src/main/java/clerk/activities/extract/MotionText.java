package clerk.activities.extract;

import static clerk.activities.extract.Names.titled;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of a motion: usually after who moved it ("Moved by X, seconded by Y, THAT ..."),
 * sometimes before ("Motion to accept the report: Moved by X"; "The meeting was adjourned ...
 * Proposed by Cllr X, seconded by Cllr Y"). Also finds a seconder named after the motion's words
 * ("X proposed acceptance of the Minutes seconded by Cllr Y"; "..., Gary seconds the motion").
 */
final class MotionText {
  private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
  static final int MAX_MOTION = 500;
  /** Punctuation, "And Resolved:" and opening quotes between who moved a motion and its words. */
  private static final Pattern LEAD_IN = Pattern.compile(
      "(?:\\s|[,:;–—\\-\"“”‘’„']|\\band\\s+resolved\\b|\\bto\\s+wit\\b)*", FLAGS);
  /** A motion's words start like this; anything else after the mover is not its text. */
  private static final Pattern PLAUSIBLE_START = Pattern.compile(
      "(?!(?:take\\s+a\\s+)?vote\\b)(?:(?:that|to|the|a|an|for|approval|acceptance|accept|adopt|approve|appoint"
          + "|authori[sz]e|resolved|be\\s+it|it\\s+was)\\b|(?-i:\\p{Lu}\\p{Ll}))", FLAGS);
  /** Words that follow a labelled mover only as a resolution: "“That ...”", "To ...", "Resolved ...". */
  private static final Pattern RESOLUTION_START = Pattern.compile("[“\"'‘]?\\s*(?:that|to|resolved)\\b", FLAGS);
  /** "And Resolved:" between a mover and the words records the result. */
  private static final Pattern RESOLVED = Pattern.compile("\\bresolved\\b", FLAGS);
  /** "Take a vote: Dick aye, Gary aye, Jan aye" between a motion's seconder and its words. */
  private static final Pattern VOTE_RUN = Pattern.compile(
      "\\s*[,;]?\\s*(?:take\\s+a\\s+)?vote\\s*:?\\s*(?:" + Names.NAME
          + "\\s+(?:ayes?|yeas?|nays?|no|abstain(?:ed|s)?)\\b\\s*[,;]?\\s*(?:and\\s+)?)+", FLAGS);
  /** What ends a motion's words: a sentence end before a capital, a vote label or a result. */
  private static final Pattern SENTENCE_END = Pattern.compile(
      "(?<!\\b(?:No|Nos|St|Ave|Blvd|Mr|Mrs|Ms|Dr|Inc|Co|Corp|Ltd|Jr|Sr|vs|p\\.m|a\\.m|\\p{Lu}))"
          + "[.”\"]+(?=\\s+[\\p{Lu}\\d\"“(]|\\s*$)");
  /** "Motion to accept the substitute ordinance:" right before "Moved by". */
  private static final Pattern MOTION_BEFORE = Pattern.compile(
      "\\b(?:motion|action)\\s*[:;]?\\s*((?:to|that)\\s[^.:]{3," + MAX_MOTION + "}?)\\s*[.:]?\\s*$", FLAGS);
  /** A seconder named after the motion's words: "seconded by Y", ", Gary seconds", ", second Gary". */
  private static final Pattern SECONDER_AFTER = Pattern.compile(
      "\\s*[,;]?\\s*(?:and\\s+)?(?:this\\s+)?(?:was\\s+)?(?:seconded|supported)\\s+by\\s+" + titled("seconder")
          + "|(?:\\s*[,;]\\s*|^\\s*)" + titled("seconder2") + "\\s+second(?:s|ed)?\\b(?:\\s+the\\s+motion)?"
          + "|\\s*[,;]\\s*second(?:ed)?\\s+(?!by\\b)" + titled("seconder3"), FLAGS);
  /** "This proposal was seconded by Councillor Y"; "Councillor Y seconded the Motion". */
  private static final Pattern SECONDED_LATER = Pattern.compile(
      "\\b(?:this|the|his|her|which|it)\\s+(?:proposal\\s+|motion\\s+)?was\\s+seconded\\s+by\\s+" + titled("seconder")
          + "|(?:" + Names.TITLE + "\\s+){0,2}(?<seconder2>" + Names.NAME + ")\\s*,?\\s+(?:seconded\\s+the\\s+(?:motion|proposal)"
          + "|in\\s+seconding\\b|seconds\\s+the\\s+motion|second\\s+the\\s+motion)",
      FLAGS);
  private static final int SECONDED_LATER_REACH = 600;

  /**
   * A motion's words, where its vote may start, a seconder found among the words, and whether the
   * minutes say it was resolved on the way to its words ("And Resolved:").
   */
  record Words(String text, int end, String seconder, boolean resolved) {}

  private final String text;

  MotionText(String text) {
    this.text = text;
  }

  /**
   * The words of the motion whose mover ends at {@code from}; {@code previousEnd} is where the
   * previous motion ended, {@code start} where this one's mover starts, {@code limit} the next start.
   */
  Words find(MotionStarts.Kind kind, int previousEnd, int start, int from, int limit) {
    int at = skip(LEAD_IN, from, limit);
    boolean resolved = RESOLVED.matcher(text).region(from, at).find();
    // "Dick motion, Gary second, Vote Dick aye, Gary aye, Jan aye to approve payroll": votes, then words.
    int afterVotes = skip(LEAD_IN, skip(VOTE_RUN, at, limit), limit);
    boolean votesFirst = afterVotes > at;
    at = afterVotes;
    int end = clauseEnd(at, limit);
    String seconder = null;
    int wordsEnd = end;
    int voteFrom = votesFirst ? from : end;
    Matcher s = SECONDER_AFTER.matcher(text).region(at, end);
    if (s.find()) {
      seconder = group(s, "seconder", "seconder2", "seconder3");
      wordsEnd = s.start();
      voteFrom = s.end();
      if (wordsEnd == at) {
        // "Dick makes a motion, Gary second to approve ...": the words follow the seconder (and votes).
        at = skip(LEAD_IN, skip(VOTE_RUN, s.end(), limit), limit);
        wordsEnd = Math.max(at, clauseEnd(at, limit));
      }
    }
    if (at < wordsEnd && plausible(kind, at, wordsEnd)) {
      return new Words(tidy(text.substring(at, wordsEnd)), voteFrom, seconder, resolved);
    }
    String before = before(previousEnd, start);
    return new Words(before == null ? tidy(text.substring(at, wordsEnd)) : before,
        seconder == null && !votesFirst ? from : voteFrom, seconder, resolved);
  }

  /** "This proposal was seconded by Councillor Y" soon after a motion that had no seconder. */
  String secondedLater(int from, int limit) {
    Matcher m = SECONDED_LATER.matcher(text).region(from, Math.min(limit, from + SECONDED_LATER_REACH));
    return m.find() ? group(m, "seconder", "seconder2") : null;
  }

  private boolean plausible(MotionStarts.Kind kind, int at, int end) {
    if (VoteReader.RESULT.matcher(text).region(at, end).lookingAt()) {
      return false;
    }
    if (MotionStarts.wordsFollowAsResolution(kind)) {
      return RESOLUTION_START.matcher(text).region(at, end).lookingAt();
    }
    return MotionStarts.wordsFollow(kind) || PLAUSIBLE_START.matcher(text).region(at, end).lookingAt();
  }

  private int skip(Pattern p, int from, int limit) {
    Matcher m = p.matcher(text).region(from, limit);
    return m.lookingAt() ? m.end() : from;
  }

  private static String group(Matcher m, String... names) {
    for (String name : names) {
      if (m.pattern().pattern().contains("?<" + name + ">") && m.group(name) != null) {
        return Names.clean(m.group(name));
      }
    }
    return null;
  }

  /** Where a motion's words end: a sentence end, a vote label or result, or the next motion. */
  private int clauseEnd(int from, int limit) {
    int end = limit;
    Matcher s = SENTENCE_END.matcher(text).region(from, limit);
    if (s.find()) {
      end = s.start();
    }
    Matcher l = VoteReader.LABEL.matcher(text).region(from, end);
    if (l.find()) {
      end = l.start();
    }
    Matcher r = VoteReader.RESULT.matcher(text).region(from, end);
    r.useAnchoringBounds(false);
    if (r.find() && r.start() > from) {
      end = r.start();
    }
    return Math.min(end, from + MAX_MOTION + 200);
  }

  /** The motion's words before its mover: "Motion to ...:" or else the sentence just before. */
  private String before(int previousEnd, int start) {
    int from = Math.max(previousEnd, start - MAX_MOTION - 40);
    Matcher m = MOTION_BEFORE.matcher(text).region(from, start);
    if (m.find()) {
      return tidy(m.group(1));
    }
    int sentence = from;
    Matcher s = SENTENCE_END.matcher(text).region(from, Math.max(from, start - 2));
    while (s.find()) {
      sentence = s.end();
    }
    String words = tidy(text.substring(sentence, start));
    return words.isEmpty() ? null : words;
  }

  static String tidy(String clause) {
    String t = clause.replaceAll("\\s+", " ").trim().replaceAll("^[\\s.,;:\"“”]+|[\\s.,;:\"“”-]+$", "");
    if (t.length() > MAX_MOTION) {
      int cut = t.lastIndexOf(' ', MAX_MOTION);
      t = t.substring(0, cut > MAX_MOTION / 2 ? cut : MAX_MOTION);
    }
    return t;
  }
}
