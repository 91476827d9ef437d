package clerk.activities.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * A page's {@code votes_json} as civic.band writes and reads it: {@code {"votes": [...]}}, one object
 * per motion starting on the page with {@code motion_by}, {@code seconded_by}, {@code result},
 * {@code tally} {@code {ayes, nays, abstain, absent}}, {@code individual_votes}
 * ({@code [{"name", "vote"}]}, vote one of aye, nay, abstain, absent) and {@code raw_text}; plus
 * clerk's {@code motion} (the motion's words), which civic.band's readers ignore.
 *
 * <p>Results are civic.band's words: {@code passed} (clerk's "carried"), {@code failed},
 * {@code tabled}, {@code withdrawn}, and {@code unknown} when the minutes do not say: civic.band's
 * page template lower-cases the result, so it is never null.
 */
final class CivicVotes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> VOTE_OF_LIST =
      Map.of("ayes", "aye", "nays", "nay", "abstain", "abstain", "absent", "absent");
  private static final List<String> LISTS = List.of("ayes", "nays", "abstain", "absent");

  private final ArrayNode votes = JSON.createArrayNode();

  /** One motion row of the {@code motions} table; {@code namesByVote} is its {@code votes} JSON. */
  void add(String motion, String mover, String seconder, String result, Integer ayes, Integer nays,
      Integer abstain, Integer absent, JsonNode namesByVote, String rawText) {
    ObjectNode v = votes.addObject();
    v.put("motion_by", mover);
    v.put("seconded_by", seconder);
    v.put("result", result(result));
    ObjectNode tally = v.putObject("tally");
    tally.put("ayes", ayes);
    tally.put("nays", nays);
    tally.put("abstain", abstain);
    tally.put("absent", absent);
    ArrayNode individual = v.putArray("individual_votes");
    for (String list : LISTS) {
      for (JsonNode name : namesByVote.path(list)) {
        individual.addObject().put("name", name.asText()).put("vote", VOTE_OF_LIST.get(list));
      }
    }
    v.put("raw_text", rawText);
    v.put("motion", motion);
  }

  int size() {
    return votes.size();
  }

  static String result(String clerkResult) {
    if (clerkResult == null) {
      return "unknown";
    }
    return "carried".equals(clerkResult) ? "passed" : clerkResult;
  }

  /** The column's text. */
  String json() {
    ObjectNode out = JSON.createObjectNode();
    out.set("votes", votes);
    return out.toString();
  }

  /** The column's text for a page where no motion starts. */
  static String none() {
    return "{\"votes\":[]}";
  }
}
