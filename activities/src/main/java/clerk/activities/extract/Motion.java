package clerk.activities.extract;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A motion found in minutes, with its vote.
 *
 * @param page 1-based page where the motion starts
 * @param seq 1-based order within the document
 * @param motion the "to ..." / "that ..." clause, whitespace collapsed
 * @param mover surname (titles stripped), or null
 * @param seconder surname (titles stripped), or null
 * @param result "carried", "failed", or null when the text does not say
 * @param ayes tallies; null when the text does not give or imply them
 * @param votes names by vote: "ayes", "nays", "abstain", "absent"; a key is present only when the
 *     text lists names (or "None") for it
 * @param rawText the minutes' own words from where the motion starts to the end of its vote, as
 *     civic.band publishes them ({@code raw_text}); null when not known
 */
public record Motion(int page, int seq, String motion, String mover, String seconder, String result,
    Integer ayes, Integer nays, Integer abstain, Integer absent, Map<String, List<String>> votes,
    String rawText) {
  /** A motion without its raw text. */
  public Motion(int page, int seq, String motion, String mover, String seconder, String result,
      Integer ayes, Integer nays, Integer abstain, Integer absent, Map<String, List<String>> votes) {
    this(page, seq, motion, mover, seconder, result, ayes, nays, abstain, absent, votes, null);
  }

  public Motion {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    votes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    // Insertion order kept (ayes, nays, ...) so the JSON reads naturally; still unmodifiable.
    votes = java.util.Collections.unmodifiableMap(copy);
  }
}
