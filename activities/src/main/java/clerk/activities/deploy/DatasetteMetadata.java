package clerk.activities.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code metadata.json} beside {@code meetings.db}, so {@code datasette serve DEPLOY_DIR/{subdomain}}
 * (Datasette's configuration-directory mode reads it from there) shows a usable site with no options:
 * a title, where the data comes from and under which terms, each table's full-text index (Datasette
 * also finds it by itself), newest meetings first, facets by meeting, the bookkeeping table hidden.
 */
final class DatasetteMetadata {
  static final String FILE_NAME = "metadata.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DatasetteMetadata() {}

  /** For a site's bundle; {@code name} is the municipality ("Alameda, CA"). */
  static String forSite(String name, String subdomain) throws JsonProcessingException {
    return write(name + " meeting minutes and agendas",
        "Minutes and agendas of " + name + " (" + subdomain + "), one row per page, searchable.",
        name, "meetings");
  }

  /** For the cross-site database, {@code file} its name without {@code .db}. */
  static String forAllSites(String database) throws JsonProcessingException {
    return write("Meeting minutes and agendas of every site",
        "Every site's minutes and agendas, one row per page, with the site's subdomain and municipality.",
        "the municipalities' own publications", database);
  }

  private static String write(String title, String description, String source, String database)
      throws JsonProcessingException {
    ObjectNode m = JSON.createObjectNode();
    m.put("title", title);
    m.put("description", description);
    m.put("source", source);
    m.put("license", "Public records; terms as set by each municipality");
    ObjectNode tables = m.putObject("databases").putObject(database).putObject("tables");
    for (String table : MeetingsDb.TABLES) {
      ObjectNode t = tables.putObject(table);
      t.put("description", "One row per page of " + table + "; page_image is the page's image path");
      t.put("sort_desc", "date");
      t.put("fts_table", table + "_fts");
      t.put("fts_pk", "rowid");
      t.putArray("facets").add("meeting");
      t.put("size", 20);
    }
    ObjectNode attendance = tables.putObject("attendance");
    attendance.put("description", "Who attended each meeting, as its minutes list them: present, absent, regrets");
    attendance.put("sort_desc", "date");
    attendance.putArray("facets").add("status").add("name");
    tables.putObject("_clerk_documents").put("hidden", true);
    return JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
  }
}
