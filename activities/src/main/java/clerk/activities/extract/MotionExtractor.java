package clerk.activities.extract;

import clerk.activities.extract.MotionStarts.Start;
import clerk.activities.extract.MotionText.Words;
import clerk.activities.extract.VoteReader.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * Motions and their votes in a document's minutes, read from the whole document so a motion may
 * cross a page break (it belongs to the page it starts on). Steps: the pages become one text without
 * running headers and footers ({@link DocumentText}); the members present are noted ({@link Roster});
 * motion starts are found by named patterns ({@link MotionStarts}); each motion's words are read
 * ({@link MotionText}) and then its result, tally and roll call ({@link VoteReader}). Rule-based, no
 * model; stateless and thread-safe.
 */
public final class MotionExtractor {
  /** How far after a motion's words its vote or result may be and still belong to it. */
  private static final int VOTE_REACH = 400;
  /** A motion's raw text is cut here: the text of a motion that runs on for pages is not its record. */
  static final int RAW_TEXT_LIMIT = 2000;

  public List<Motion> extract(List<String> pages) {
    return extract(DocumentText.of(pages));
  }

  public List<Motion> extract(DocumentText doc) {
    String text = doc.text;
    Roster roster = Roster.of(text);
    MotionText words = new MotionText(text);
    VoteReader votes = new VoteReader(text, roster);
    List<Start> starts = MotionStarts.find(text);
    List<Motion> motions = new ArrayList<>();
    int previousEnd = 0;
    for (int i = 0; i < starts.size(); i++) {
      Start s = starts.get(i);
      int limit = i + 1 < starts.size() ? starts.get(i + 1).start() : text.length();
      Words w = words.find(s.kind(), previousEnd, s.start(), s.end(), limit);
      String seconder = s.seconder() != null ? s.seconder() : w.seconder();
      if (seconder == null && s.mover() != null) {
        seconder = words.secondedLater(w.end(), limit);
      }
      int after = Math.max(w.end(), s.end());
      String implied = s.kind().result != null ? s.kind().result : w.resolved() ? "carried" : null;
      Outcome o = votes.read(after, limit, VOTE_REACH, s.start(), implied);
      motions.add(new Motion(doc.page(s.start()), motions.size() + 1, w.text(), roster.resolve(s.mover()),
          roster.resolve(seconder), o.result(), o.counts().get("ayes"), o.counts().get("nays"),
          o.counts().get("abstain"), o.counts().get("absent"), o.votes(),
          rawText(text, s.start(), Math.min(limit, Math.max(after, o.end())))));
      previousEnd = after;
    }
    return motions;
  }

  /** The minutes' words of one motion, whitespace collapsed, at most {@link #RAW_TEXT_LIMIT} characters. */
  private static String rawText(String text, int start, int end) {
    String raw = text.substring(start, Math.max(start, end)).replaceAll("\\s+", " ").strip();
    return raw.length() <= RAW_TEXT_LIMIT ? raw : raw.substring(0, RAW_TEXT_LIMIT);
  }
}
