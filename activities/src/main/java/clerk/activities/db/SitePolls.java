package clerk.activities.db;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;

/**
 * The site rows a progress display polls: one query for every watched site, with the database's own
 * clock, so "finished since" compares times of one clock.
 */
public final class SitePolls {
  private final SiteRepository repository;

  public SitePolls(DataSource db) {
    this.repository = new SiteRepository(db);
  }

  /** The rows of the given sites (those that exist), in subdomain order, and when they were read. */
  public record Poll(Instant at, List<SiteRow> sites) {}

  public Poll of(Collection<String> subdomains) {
    return repository.transaction(c -> {
      Array names = c.createArrayOf("text", subdomains.toArray());
      try (PreparedStatement s = c.prepareStatement("SELECT s.*, now() AS polled_at FROM sites s"
          + " WHERE subdomain = ANY(?) ORDER BY subdomain")) {
        s.setArray(1, names);
        List<SiteRow> rows = new ArrayList<>();
        Instant at = null;
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            rows.add(SiteRow.from(r));
            at = r.getTimestamp("polled_at").toInstant();
          }
        }
        return new Poll(at == null ? now(c) : at, List.copyOf(rows));
      }
    });
  }

  /** Sites with work in progress: in a stage of the pipeline, neither ended nor never started. */
  public List<String> inProgress() {
    return repository.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT subdomain FROM sites"
          + " WHERE current_stage NOT IN ('completed', 'failed') ORDER BY subdomain");
          ResultSet r = s.executeQuery()) {
        List<String> out = new ArrayList<>();
        while (r.next()) {
          out.add(r.getString(1));
        }
        return out;
      }
    });
  }

  private static Instant now(java.sql.Connection c) throws java.sql.SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT now()"); ResultSet r = s.executeQuery()) {
      r.next();
      return r.getTimestamp(1).toInstant();
    }
  }
}
