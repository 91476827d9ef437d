package clerk.activities.deploy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Row ids and page image paths as civic.band computes them, so a page published by clerk has the
 * id and image path civic.band's own build gives it (links to a page keep working when a site moves
 * between the two).
 *
 * <p>civic.band hashes {@code json.dumps({"kind", "meeting", "date", "page", "text"}, sort_keys=True)}
 * with SHA-256 and keeps 12 hex characters; {@code kind} is {@code "minutes"} or {@code "agenda"}
 * (singular), and the cross-site database adds {@code "subdomain"} and {@code "municipality"}.
 * Python's {@code json.dumps} is reproduced byte for byte here (its separators, and {@code
 * ensure_ascii}: everything outside printable ASCII written as lower-case {@code \\uXXXX}, characters
 * beyond the BMP as their UTF-16 surrogates); Jackson cannot be configured to write those bytes.
 */
public final class CivicIds {
  private static final String HEX = "0123456789abcdef";

  private CivicIds() {}

  /** The id of a page in a site's {@code meetings.db}. {@code table} is {@code minutes} or {@code agendas}. */
  public static String rowId(String table, String meeting, String date, int page, String text) {
    return hash(fields(table, meeting, date, page, text));
  }

  /** The id of a page in the cross-site database: the site's fields hashed with it. */
  public static String fullDbRowId(String table, String meeting, String date, int page, String text,
      String subdomain, String municipality) {
    Map<String, Object> fields = fields(table, meeting, date, page, text);
    fields.put("subdomain", subdomain);
    fields.put("municipality", municipality);
    return hash(fields);
  }

  /**
   * The page's image path as civic.band publishes it, from the site's root: {@code /{meeting}/{date}/{n}.png},
   * agendas under {@code /_agendas}.
   */
  public static String pageImage(String table, String meeting, String date, int page) {
    return ("agendas".equals(table) ? "/_agendas/" : "/") + meeting + "/" + date + "/" + page + ".png";
  }

  /** What civic.band calls the kind of a table's pages in its ids. */
  static String kind(String table) {
    return "agendas".equals(table) ? "agenda" : "minutes";
  }

  private static Map<String, Object> fields(String table, String meeting, String date, int page, String text) {
    Map<String, Object> fields = new TreeMap<>(); // sort_keys=True
    fields.put("kind", kind(table));
    fields.put("meeting", meeting);
    fields.put("date", date);
    fields.put("page", page);
    fields.put("text", text);
    return fields;
  }

  private static String hash(Map<String, Object> sortedFields) {
    try {
      byte[] json = pythonJson(sortedFields).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
  }

  /** {@code json.dumps(fields)} of a flat object of strings and integers, keys in the map's order. */
  static String pythonJson(Map<String, Object> fields) {
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (out.length() > 1) {
        out.append(", ");
      }
      string(out, e.getKey());
      out.append(": ");
      if (e.getValue() instanceof Integer n) {
        out.append(n.intValue());
      } else {
        string(out, (String) e.getValue());
      }
    }
    return out.append('}').toString();
  }

  /** Python's {@code py_encode_basestring_ascii}. */
  private static void string(StringBuilder out, String s) {
    out.append('"');
    int run = 0; // start of the current run of characters written as they are
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= ' ' && c <= '~' && c != '"' && c != '\\') {
        continue; // most of a page: appended a run at a time below
      }
      out.append(s, run, i);
      run = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> out.append("\\u").append(HEX.charAt(c >> 12 & 0xf)).append(HEX.charAt(c >> 8 & 0xf))
            .append(HEX.charAt(c >> 4 & 0xf)).append(HEX.charAt(c & 0xf));
      }
    }
    out.append(s, run, s.length()).append('"');
  }
}
