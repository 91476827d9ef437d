package clerk.activities.extract;

import static clerk.activities.extract.Names.titled;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where motions start in a document's text, and who moved and seconded them: one named pattern per
 * way minutes say it. Each pattern has named groups {@code mover} and {@code seconder} (either may
 * be absent). The motion text is found after the start, or before it (see MotionText).
 */
final class MotionStarts {
  private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
  private static final String SECONDED_BY = "second(?:ed)?\\s+by\\s*:?\\s*";
  /** "D. Naughton, M.C.C.": a member's post-nominal letters. */
  private static final String POST_NOMINAL = "(?:\\s*,\\s*M\\.\\s?C\\.\\s?C\\.?)?";
  /** Patterns that open with a name try only where a capital letter is (much faster on long text). */
  private static final String CAPITAL = "(?=(?-i:\\p{Lu}))";

  /** A way of recording who moved a motion. */
  enum Kind {
    /** "Motion by X, second by Y to ..."; "A motion was made by X"; "Motion made by X Seconded by Y". */
    MOTION_BY("\\b(?:a\\s+)?motion\\s+(?:was\\s+)?(?:made\\s+)?by\\s+" + titled("mover")
        + "(?:\\s*[,;.]?\\s*(?:and\\s+)?(?:was\\s+)?" + SECONDED_BY + titled("seconder") + ")?"),
    /** "Moved by X Seconded by Y That ..."; "It was moved by X and seconded by Y that ...". */
    MOVED_BY("\\b(?:it\\s+was\\s+)?moved\\s+by\\s*:?\\s*" + titled("mover")
        + "(?:\\s*[,;.]?\\s*(?:and\\s+)?(?:was\\s+)?" + SECONDED_BY + ":?\\s*" + titled("seconder") + ")?"),
    /** "Proposed by Councillor X; Seconded by Councillor Y; And Resolved: ..." (text may precede). */
    PROPOSED_BY("\\bproposed\\s+by\\s*:?\\s*" + titled("mover") + "\\s*[;,.]?\\s*(?:and\\s+)?" + SECONDED_BY
        + titled("seconder")),
    /** "On the proposal of Councillor X, seconded by Councillor Y it was agreed to ...". */
    ON_THE_PROPOSAL("\\bon\\s+the\\s+proposal\\s+of\\s+" + titled("mover") + "\\s*,?\\s*" + SECONDED_BY
        + titled("seconder") + "\\s*,?\\s*it\\s+was\\s+(?:unanimously\\s+)?(?:agreed|resolved)\\s+(?=(?:that|to)\\s)",
        "carried"),
    /** "MOTION BY: X SECOND: Y"; "MOTION: X / SECOND: Y"; "Moved: X Seconded: Y". */
    LABELLED("\\b(?:MOTION|MOVED|PROPOSED|PROPOSER)(?:\\s+BY)?\\s*[:;]\\s*" + titled("mover") + POST_NOMINAL
        + "\\s*[/,;.]?\\s*(?:SECOND(?:ED|ER)?|2nd)(?:\\s+BY)?\\s*[:;]\\s*" + titled("seconder") + POST_NOMINAL),
    /** "Moved/Seconded: X/Y"; "M/S: X/Y". */
    MOVED_SLASH_SECONDED("\\b(?:MOVED\\s*/\\s*SECOND(?:ED)?(?:\\s+BY)?|M\\s*/\\s*S)\\s*[:;]?\\s*" + titled("mover")
        + "\\s*/\\s*" + titled("seconder")),
    /** "J. Smith (motion), K. Lee (second)". */
    PARENTHESES(CAPITAL + titled("mover") + "\\s*\\(\\s*(?:motion|moved|mover)\\s*\\)\\s*[,;]?\\s*(?:and\\s+)?" + titled("seconder")
        + "\\s*\\(\\s*second(?:ed|er)?\\s*\\)"),
    /** "X moved, seconded by Y, to ..."; "X moved and Y seconded the motion that ...". */
    X_MOVED(CAPITAL + titled("mover") + "\\s+moved\\b(?!\\s+by)(?:\\s*,?\\s*" + SECONDED_BY + titled("seconder") + "\\s*,?"
        + "|\\s+and\\s+" + titled("seconder2") + "\\s+second(?:ed)?(?:\\s+the\\s+motion)?)?"),
    /** "X made a motion seconded by Y to"; "Dick makes a motion to ..., Gary seconds"; "X offered a resolution, supported by Y". */
    X_MADE_A_MOTION(CAPITAL + titled("mover") + "\\s+(?:made|makes|offered)\\s+(?:a|the)\\s+(?:motion|resolution)\\b"
        + "(?:\\s*,?\\s*(?:seconded|second|supported)\\s+by\\s+" + titled("seconder") + ")?"),
    /** "Cllr X proposed acceptance of the Minutes seconded by Cllr Y"; "Councillor X proposed that ...". */
    X_PROPOSED(CAPITAL + "(?<![Ii]n\\s)(?:" + Names.TITLE + "\\s+){1,2}(?<mover>" + Names.NAME + ")\\s+(?:then\\s+|also\\s+)?"
        + "(?:proposed\\b(?!\\s+by)|put\\s+forward\\s+the\\s+following\\s+(?:counter-)?(?:proposal|motion)\\b)"),
    /** "Dick motion, Gary second"; "Jan motion, Dick second". */
    FIRST_NAME_MOTION(CAPITAL + "(?<mover>" + Names.NAME + ")\\s+motion\\s*,\\s*(?<seconder>" + Names.NAME + ")\\s+second\\b"),
    /** "On motion made, duly seconded and carried, ..."; "The following resolution was offered, duly seconded and adopted:". */
    DULY_SECONDED("\\b(?:(?:on\\s+)?(?:a\\s+)?motion\\s+(?:duly\\s+)?(?:made\\s*,?\\s*)?(?:and\\s+)?(?:duly\\s+)?seconded"
        + "\\s+and\\s+(?:unanimously\\s+)?carried"
        + "|(?:the\\s+following\\s+)?resolution\\s+was\\s+offered\\s*,?\\s*duly\\s+seconded\\s+and\\s+(?:unanimously\\s+)?adopted)",
        "carried"),
    /** "Motion and second to appoint ..."; "Motion to adjourn the meeting at 7:30 pm." (no one named). */
    UNNAMED("\\bmotion\\s+(?:and\\s+second\\b(?=\\s+to\\b)|(?=to\\s+adjourn\\b))");

    final Pattern pattern;
    /** The result the wording itself records ("duly seconded and carried"), or null. */
    final String result;

    Kind(String regex) {
      this(regex, null);
    }

    Kind(String regex, String result) {
      this.pattern = Pattern.compile(regex, FLAGS);
      this.result = result;
    }
  }

  /** Kinds whose motion words always follow the mover ("Cllr X proposed closing the meeting"). */
  static boolean wordsFollow(Kind kind) {
    return kind == Kind.X_PROPOSED || kind == Kind.X_MADE_A_MOTION || kind == Kind.X_MOVED
        || kind == Kind.DULY_SECONDED || kind == Kind.UNNAMED;
  }

  /** Kinds whose words follow only as a resolution ("Proposed: X Seconded: Y “That ...”"), else precede. */
  static boolean wordsFollowAsResolution(Kind kind) {
    return kind == Kind.LABELLED || kind == Kind.PROPOSED_BY;
  }

  /** A found start: where it is, who moved and seconded (null when not named). */
  record Start(Kind kind, int start, int end, String mover, String seconder) {}

  private MotionStarts() {}

  /** Every start in the text, earliest first; of overlapping ones the longest wins. */
  static List<Start> find(String text) {
    List<Start> all = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      Matcher m = kind.pattern.matcher(text);
      String regex = kind.pattern.pattern();
      while (m.find()) {
        String mover = regex.contains("?<mover>") ? Names.clean(m.group("mover")) : null;
        String seconder = regex.contains("?<seconder>") ? Names.clean(m.group("seconder")) : null;
        if (seconder == null && regex.contains("?<seconder2>")) {
          seconder = Names.clean(m.group("seconder2"));
        }
        all.add(new Start(kind, m.start(), m.end(), mover, seconder));
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
}
