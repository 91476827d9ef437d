package clerk.activities.extract;

import java.util.List;
import java.util.Map;

/**
 * A motion found in minutes, with its vote.
 *
 * @param page 1-based page where the motion starts
 * @param seq 1-based order within the document
 * @param result "carried", "failed", or null when the text does not say
 * @param votes names by vote: "ayes", "nays", "abstain", "absent"
 */
public record Motion(int page, int seq, String motion, String mover, String seconder, String result,
    Integer ayes, Integer nays, Integer abstain, Integer absent, Map<String, List<String>> votes) {
  public Motion {
    votes = Map.copyOf(votes);
  }
}
