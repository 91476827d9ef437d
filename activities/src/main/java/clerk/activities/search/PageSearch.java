package clerk.activities.search;

import clerk.activities.deploy.CivicIds;
import clerk.activities.deploy.SiteBundleWriter;
import clerk.activities.storage.SiteStorage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Full-text search over every site's published pages, in PostgreSQL: the {@code pages.tsv} column and
 * its GIN index, queried with {@code websearch_to_tsquery} (quotes for phrases, {@code or},
 * {@code -word}), ranked by {@code ts_rank_cd}, newest first among equals, a page of hits at a time,
 * each with a {@code ts_headline} snippet and the page's row id and image path in its site's bundle.
 * Only pages the bundles publish are found (minutes whose extraction completed, agendas compiled).
 *
 * <p>The total is counted up to {@link #COUNT_LIMIT}: beyond that "more than" is all a reader needs,
 * and an exact count of a common word costs as much as the search. A query that matches more pages
 * than that (a *broad* one: "council", "budget") is ranked among its {@link #COUNT_LIMIT} newest
 * matches, found by walking the pages newest first: ranking every match of a word on a third of all
 * pages reads each of their index vectors, seconds at 500,000 pages (bench/search), and for a word that
 * common the newest meetings are what a reader wants first.
 */
public final class PageSearch {
  public static final int PAGE_SIZE = 20;
  public static final int MAX_PAGE_SIZE = 100;
  public static final int COUNT_LIMIT = 1000;
  /** Snippet delimiters that cannot be in a page's text (NUL is removed at compilation; these are not printed). */
  private static final String START = "\u0002";
  private static final String STOP = "\u0003";
  /** Below this share of all pages a query's pages are found through the index ({@link #sparse}). */
  static final double SPARSE = 0.05;
  private static final java.util.regex.Pattern ESTIMATED_ROWS = java.util.regex.Pattern.compile("rows=(\\d+)");

  private final DataSource db;

  public PageSearch(DataSource db) {
    this.db = db;
  }

  /**
   * What to search: {@code text} as a person types it; the rest narrow it and may be null: one site,
   * {@code minutes} or {@code agendas}, meetings from and to a date (inclusive, {@code YYYY-MM-DD}),
   * and the page of hits (from 1).
   */
  public record Query(String text, String site, String kind, String from, String to, int page, int pageSize) {
    public Query {
      if (text == null || text.isBlank()) {
        throw new IllegalArgumentException("nothing to search for: give some words (q=)");
      }
      if (text.length() > 500) {
        throw new IllegalArgumentException("the search is too long (at most 500 characters)");
      }
      if (site != null && !site.isBlank()) {
        SiteStorage.validateSubdomain(site);
      } else {
        site = null;
      }
      if (kind != null && !kind.isBlank() && !List.of("minutes", "agendas").contains(kind)) {
        throw new IllegalArgumentException("kind must be minutes or agendas, not " + kind);
      }
      kind = kind == null || kind.isBlank() ? null : kind;
      from = date("from", from);
      to = date("to", to);
      if (page < 1) {
        throw new IllegalArgumentException("page counts from 1");
      }
      pageSize = Math.max(1, Math.min(pageSize, MAX_PAGE_SIZE));
    }

    public static Query of(String text) {
      return new Query(text, null, null, null, null, 1, PAGE_SIZE);
    }

    private static String date(String name, String value) {
      if (value == null || value.isBlank()) {
        return null;
      }
      try {
        return LocalDate.parse(value).toString();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(name + " must be a date YYYY-MM-DD, not " + value);
      }
    }
  }

  /**
   * A page found: where it is, how well it matches, a snippet of its text (HTML: the text escaped,
   * the matching words in {@code <mark>}), and its row id and image path in the site's bundle.
   */
  public record Hit(String subdomain, String kind, String meeting, String date, int page, double rank,
      List<Fragment> snippet, String id, String pageImage) {
    /** The snippet as HTML: the text escaped (a page's text is anyone's), the matching words in {@code <mark>}. */
    public String snippetHtml() {
      StringBuilder out = new StringBuilder();
      for (Fragment f : snippet) {
        String text = f.text().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\"", "&quot;").replace("'", "&#39;");
        out.append(f.match() ? "<mark>" + text + "</mark>" : text);
      }
      return out.toString();
    }
  }

  /** A piece of a snippet: words of the page, and whether they match the query. */
  public record Fragment(String text, boolean match) {}

  /**
   * One page of hits; {@code total} counts at most {@link #COUNT_LIMIT} ({@code totalIsExact} false
   * beyond, and the hits are then ranked among the newest {@link #COUNT_LIMIT} matches).
   */
  public record Result(Query query, long total, boolean totalIsExact, List<Hit> hits) {
    public boolean more() {
      return (long) query.page() * query.pageSize() < total;
    }
  }

  public Result search(Query q) {
    try (Connection c = db.getConnection()) {
      return sparse(c, q) ? byIndexOnly(c, q) : result(c, q);
    } catch (SQLException e) {
      throw new IllegalStateException("search failed: " + e.getMessage(), e);
    }
  }

  /**
   * Whether, by the planner's own statistics, the query's words are on fewer than {@link #SPARSE} of all
   * pages. Then the pages are best reached through the full-text index. The planner would rather walk
   * pages (in date order, for the newest-first candidates) checking each, since it costs
   * that check as one operator while it reads the page's index vector from TOAST: for a word on 3 % of
   * 500,000 pages the walk took 470 ms, the index 95 ms (bench/search). A phrase is worse: the planner
   * estimates it as its words' AND, though they stand side by side on far fewer pages, and walked every
   * page (7.5 s for "motion zipilorort"). Words on many pages are found soonest by the walk, as the
   * planner chooses.
   */
  static boolean sparse(Connection c, Query q) throws SQLException {
    double pages;
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT reltuples FROM pg_class WHERE oid = 'pages'::regclass")) {
      pages = r.next() ? r.getDouble(1) : -1;
    }
    if (pages <= 0) {
      return false; // never analysed: no statistics to go by
    }
    try (PreparedStatement s = c.prepareStatement(
        "EXPLAIN SELECT 1 FROM pages p WHERE p.tsv @@ websearch_to_tsquery('english', ?)")) {
      s.setString(1, q.text());
      try (ResultSet r = s.executeQuery()) {
        java.util.regex.Matcher rows = r.next() ? ESTIMATED_ROWS.matcher(r.getString(1)) : null;
        return rows != null && rows.find() && Double.parseDouble(rows.group(1)) < SPARSE * pages;
      }
    }
  }

  /** The search with the pages reached through the full-text index only (no page-by-page walk). */
  private static Result byIndexOnly(Connection c, Query q) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off");
      }
      Result result = result(c, q);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** The published pages the query matches, with the filters, as SQL after {@code FROM}; {@link #bind} binds them. */
  private static String matching(Query q) {
    return " pages p JOIN documents d ON d.subdomain = p.subdomain AND d.document_id = p.document_id"
        + " WHERE p.tsv @@ websearch_to_tsquery('english', ?) AND " + SiteBundleWriter.INCLUDED
        + (q.site() == null ? "" : " AND p.subdomain = ?")
        + (q.kind() == null ? "" : " AND p.kind = ?")
        + (q.from() == null ? "" : " AND p.date >= ?")
        + (q.to() == null ? "" : " AND p.date <= ?");
  }

  private static int bind(PreparedStatement s, Query q, int i) throws SQLException {
    s.setString(i++, q.text());
    for (String value : new String[] {q.site(), q.kind(), q.from(), q.to()}) {
      if (value != null) {
        s.setString(i++, value);
      }
    }
    return i;
  }

  /**
   * One statement: the newest {@link #COUNT_LIMIT} matches are the candidates (all of them when there
   * are fewer, so their number is the capped total), ranked; a page of them is kept, and only then are
   * their texts read for snippets and ids. A row with only the total comes back when the page is empty.
   */
  private static Result result(Connection c, Query q) throws SQLException {
    String sql = "WITH candidates AS MATERIALIZED (SELECT p.subdomain, p.document_id, p.kind, p.meeting, p.date,"
        + " p.page, p.tsv FROM" + matching(q) + " ORDER BY p.date DESC LIMIT " + COUNT_LIMIT + "),"
        + " hits AS (SELECT c.subdomain, c.document_id, c.kind, c.meeting, c.date, c.page,"
        + " ts_rank_cd(c.tsv, websearch_to_tsquery('english', ?)) AS rank FROM candidates c"
        + " ORDER BY rank DESC, c.date DESC, c.subdomain, c.document_id, c.page LIMIT ? OFFSET ?)"
        + " SELECT (SELECT count(*) FROM candidates), h.subdomain, h.kind, h.meeting, h.date, h.page, h.rank, p.text,"
        + " ts_headline('english', p.text, websearch_to_tsquery('english', ?), 'StartSel=" + START + ", StopSel="
        + STOP + ", MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"')"
        + " FROM (SELECT 1) one LEFT JOIN (hits h JOIN pages p ON p.subdomain = h.subdomain"
        + " AND p.document_id = h.document_id AND p.page = h.page) ON true"
        + " ORDER BY h.rank DESC, h.date DESC, h.subdomain, h.document_id, h.page";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      int i = bind(s, q, 1);
      s.setString(i++, q.text());
      s.setInt(i++, q.pageSize());
      s.setLong(i++, (long) (q.page() - 1) * q.pageSize());
      s.setString(i, q.text());
      long total = 0;
      List<Hit> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          total = r.getLong(1);
          String kind = r.getString(3);
          if (kind == null) {
            continue; // the total alone: no hit on this page
          }
          String meeting = r.getString(4);
          String date = r.getString(5);
          int page = r.getInt(6);
          out.add(new Hit(r.getString(2), kind, meeting, date, page, r.getDouble(7), snippet(r.getString(9)),
              CivicIds.rowId(kind, meeting, date, page, r.getString(8)), CivicIds.pageImage(kind, meeting, date, page)));
        }
      }
      return new Result(q, total, total < COUNT_LIMIT, out);
    }
  }

  /** ts_headline's text cut at its delimiters, whitespace collapsed. */
  static List<Fragment> snippet(String headline) {
    List<Fragment> out = new ArrayList<>();
    String text = headline.replaceAll("\\s+", " ").strip();
    int at = 0;
    while (at < text.length()) {
      int start = text.indexOf(START, at);
      if (start < 0) {
        out.add(new Fragment(text.substring(at), false));
        break;
      }
      if (start > at) {
        out.add(new Fragment(text.substring(at, start), false));
      }
      int stop = text.indexOf(STOP, start);
      stop = stop < 0 ? text.length() : stop;
      out.add(new Fragment(text.substring(start + 1, stop), true));
      at = stop + 1;
    }
    return out;
  }
}
