package clerk.activities.db;

import clerk.workflows.Stage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What reconciliation asks the database about many sites at once, so a site in step with its storage
 * costs no query of its own: whether its counters still equal the aggregate of its documents, and
 * whether every compiled document still has all its page rows.
 */
public final class SiteChecks {
  private SiteChecks() {}

  /**
   * @param countersOff the counters differ from the documents' statuses (edited behind the trigger)
   * @param pagesShort compiled documents whose {@code pages} rows are missing or too many
   */
  public record Check(boolean countersOff, int pagesShort) {
    public static final Check OK = new Check(false, 0);

    public boolean ok() {
      return !countersOff && pagesShort == 0;
    }
  }

  private static final String COUNTERS = "SELECT s.subdomain, (" + CounterSql.DIFFERS + ") FROM sites s"
      + " LEFT JOIN (SELECT subdomain, " + CounterSql.AGGREGATE + " FROM documents WHERE subdomain = ANY (?)"
      + " GROUP BY subdomain) a ON a.subdomain = s.subdomain WHERE s.subdomain = ANY (?)";

  private static final String PAGES = "SELECT d.subdomain, count(*) FROM documents d WHERE d.subdomain = ANY (?)"
      + " AND " + SiteRepository.entered(Stage.EXTRACTION)
      + " AND (SELECT count(*) FROM pages p WHERE p.subdomain = d.subdomain AND p.document_id = d.document_id)"
      + " IS DISTINCT FROM d.pages::bigint GROUP BY d.subdomain";

  public static Map<String, Check> check(Connection c, List<String> subdomains) throws SQLException {
    Map<String, Boolean> off = new HashMap<>();
    Map<String, Integer> short_ = new HashMap<>();
    java.sql.Array sites = c.createArrayOf("text", subdomains.toArray());
    try (PreparedStatement s = c.prepareStatement(COUNTERS)) {
      s.setArray(1, sites);
      s.setArray(2, sites);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          off.put(r.getString(1), r.getBoolean(2));
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement(PAGES)) {
      s.setArray(1, sites);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          short_.put(r.getString(1), r.getInt(2));
        }
      }
    }
    Map<String, Check> out = new HashMap<>();
    for (String site : subdomains) {
      out.put(site, new Check(off.getOrDefault(site, false), short_.getOrDefault(site, 0)));
    }
    return out;
  }
}
