package clerk.bench;

import clerk.activities.db.Database;
import clerk.activities.search.PageSearch;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * bench/search: N generated pages (default 500,000) over S sites (default 500) in PostgreSQL, and 200
 * queries of the kinds people type into a civic search box, through the real search
 * ({@link PageSearch}: websearch_to_tsquery, ts_rank_cd, ts_headline, a capped count), beside SQLite
 * FTS5 on the same texts (porter stemming, as PostgreSQL's english configuration stems; bm25 ranking,
 * snippet(), the same capped count). Latencies after one warm-up pass over every query; p50 and p95
 * of each, and their ratio.
 *
 * <p>Texts: about 1,500 characters a page; a vocabulary of 30,000 words (council words first, then
 * made-up words) drawn by Zipf's law, so a few words are on most pages and most words on few, as in
 * real minutes; each site has its own surnames. Queries: 40% one word of rank 50 to 3,050 (rank 50 is
 * on about a third of all pages), 20% a common word and a rarer one, 20% a quoted phrase lifted from
 * a page with at least one word beyond the 200 commonest, 10% a site's surname and a common word, 10%
 * one word within one site. PostgreSQL ranks a query matching more than 1,000 pages among its 1,000
 * newest matches (as clerk's search does); FTS5 ranks all its matches by bm25.
 *
 * <p>Usage: bench/search/run [--pages 500000] [--sites 500] [--queries 200] [--data DIR]
 * (--data: keep the generated databases in DIR and reuse them on the next run with the same sizes; the
 * load takes minutes at 500,000 pages)
 */
public final class SearchBench {
  private static final int VOCABULARY = 30_000;
  private static final String[] COMMON = ("council motion seconded approved carried vote ayes mayor member resolution"
      + " ordinance public hearing agenda item consent calendar minutes meeting city clerk budget contract"
      + " amendment zoning permit planning commission staff report recommendation adopted continued discussion"
      + " adjourned present roll call session fiscal year infrastructure street improvement water district"
      + " library park recreation finance police fire department community development housing authority"
      + " reading introduction bicycle lane tree sidewalk parking transit sewer storm drain grant funding"
      + " residents neighborhood project design construction schedule cost estimate traffic safety")
      .split(" ");

  public static void main(String[] args) throws Exception {
    int pages = DeployBench.intArg(args, "--pages", 500_000);
    int sites = DeployBench.intArg(args, "--sites", 500);
    int queries = DeployBench.intArg(args, "--queries", 200);
    System.out.printf("clerk search benchmark: %,d pages over %d sites, %d queries, %d cores, load %s%n",
        pages, sites, queries, Runtime.getRuntime().availableProcessors(), DeployBench.load());
    String data = WorkerMemoryBench.stringArg(args, "--data", null);
    Path work = data == null ? Files.createTempDirectory("clerk-search-bench") : Files.createDirectories(Path.of(data));
    Path loaded = work.resolve("loaded");
    Path samplesFile = work.resolve("samples.tsv");
    String sizes = pages + " " + sites;
    boolean reuse = data != null && Files.exists(loaded) && Files.readString(loaded).equals(sizes);
    String[] words = vocabulary();
    double[] zipf = zipf(words.length);
    if (!reuse && data != null) {
      Files.deleteIfExists(loaded);
      Files.deleteIfExists(work.resolve("fts5.db"));
      if (Files.exists(work.resolve("pg"))) {
        ReconcileBench.deleteTree(work.resolve("pg"));
      }
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pg"))
            .setCleanDataDirectory(data == null).setServerConfig("shared_buffers", "512MB")
            .setServerConfig("work_mem", "32MB").start();
        HikariDataSource db = Database.connect(pg.getJdbcUrl("postgres", "postgres"), null, null, 4);
        Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + work.resolve("fts5.db"))) {
      Database.migrate(db);
      List<String[]> samples;
      if (reuse) {
        samples = Files.readAllLines(samplesFile).stream().map(l -> l.split("\t", -1)).toList();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
            ResultSet r = s.executeQuery("SELECT count(*) FROM pages")) {
          r.next();
          if (r.getLong(1) != (long) pages / sites * sites) {
            throw new IllegalStateException(work + " holds " + r.getLong(1) + " pages, not " + pages
                + ": delete it and run again to load them");
          }
        }
        System.out.printf("reusing the pages loaded in %s%n", work);
      } else {
        long t = System.nanoTime();
        samples = load(db, sqlite, pages, sites, words, zipf);
        System.out.printf("generated and loaded (PostgreSQL with its GIN index, SQLite FTS5) in %.0f s%n",
            DeployBench.seconds(t));
        if (data != null) {
          Files.write(samplesFile, samples.stream().map(x -> String.join("\t", x)).toList());
          Files.writeString(loaded, sizes);
        }
      }

      List<Q> qs = queries(queries, sites, words, samples, new Random(7));
      PageSearch search = new PageSearch(db);
      try (PreparedStatement hits = sqlite.prepareStatement("SELECT p.subdomain, p.kind, p.meeting, p.date, p.page,"
              + " snippet(pages_fts, 0, '[', ']', ' … ', 16) FROM pages_fts JOIN pages p ON p.rowid = pages_fts.rowid"
              + " WHERE pages_fts MATCH ? AND (? IS NULL OR p.subdomain = ?)"
              + " ORDER BY pages_fts.rank LIMIT 20");
          PreparedStatement count = sqlite.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM pages_fts"
              + " JOIN pages p ON p.rowid = pages_fts.rowid WHERE pages_fts MATCH ? AND (? IS NULL OR p.subdomain = ?)"
              + " LIMIT " + PageSearch.COUNT_LIMIT + ")")) {
        double[] pgTimes = new double[qs.size()];
        double[] ftsTimes = new double[qs.size()];
        long pgHits = 0;
        long ftsHits = 0;
        for (int pass = 0; pass < 2; pass++) { // the first pass warms both caches
          for (int i = 0; i < qs.size(); i++) {
            Q q = qs.get(i);
            long s = System.nanoTime();
            PageSearch.Result r = search.search(
                new PageSearch.Query(q.web, q.site, null, null, null, 1, PageSearch.PAGE_SIZE));
            pgTimes[i] = (System.nanoTime() - s) / 1e6;
            s = System.nanoTime();
            int n = fts5(hits, count, q);
            ftsTimes[i] = (System.nanoTime() - s) / 1e6;
            if (pass == 1) {
              pgHits += r.total();
              ftsHits += n;
            }
          }
        }
        System.out.printf("%nqueries: %s%n", mix(qs));
        System.out.printf("matches counted (capped at %d each): PostgreSQL %,d, FTS5 %,d%n", PageSearch.COUNT_LIMIT,
            pgHits, ftsHits);
        report("PostgreSQL (clerk's search)", pgTimes);
        report("SQLite FTS5 (same texts)", ftsTimes);
        System.out.printf("ratio PostgreSQL / FTS5: p50 %.2f, p95 %.2f (target: p95 < 150 ms, within 2x of FTS5)%n",
            percentile(pgTimes, 50) / percentile(ftsTimes, 50), percentile(pgTimes, 95) / percentile(ftsTimes, 95));
        slowest(qs, pgTimes, ftsTimes);
      }
      System.out.printf("load at the end: %s%n", DeployBench.load());
    } finally {
      if (data == null) {
        ReconcileBench.deleteTree(work);
      }
    }
  }

  /** A query: as typed (websearch syntax), as FTS5 MATCH syntax, its kind, and a site or null. */
  record Q(String kind, String web, String fts, String site) {}

  private static int fts5(PreparedStatement hits, PreparedStatement count, Q q) throws Exception {
    hits.setString(1, q.fts);
    hits.setString(2, q.site);
    hits.setString(3, q.site);
    try (ResultSet r = hits.executeQuery()) {
      while (r.next()) {
        r.getString(6);
      }
    }
    count.setString(1, q.fts);
    count.setString(2, q.site);
    count.setString(3, q.site);
    try (ResultSet r = count.executeQuery()) {
      r.next();
      return r.getInt(1);
    }
  }

  /** 200 queries of the kinds a civic search box gets. */
  private static List<Q> queries(int n, int sites, String[] words, List<String[]> samples, Random random) {
    List<Q> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int kind = i % 10;
      String site = kind == 9 ? site(random.nextInt(sites)) : null;
      switch (kind) {
        case 0, 1, 2, 3 -> { // one word of middling frequency: "cannabis", "sidewalk"
          String w = words[50 + random.nextInt(3000)];
          out.add(new Q("one word", w, w, null));
        }
        case 4, 5 -> { // a common word and a rarer one: "parking Brennan", "budget sewer"
          String a = words[random.nextInt(60)];
          String b = words[100 + random.nextInt(5000)];
          out.add(new Q("two words", a + " " + b, a + " " + b, null));
        }
        case 6, 7 -> { // a quoted phrase lifted from a page
          String[] s = samples.get(random.nextInt(samples.size()));
          out.add(new Q("phrase", "\"" + s[0] + " " + s[1] + "\"", "\"" + s[0] + " " + s[1] + "\"", null));
        }
        case 8 -> { // a name and a topic
          String[] s = samples.get(random.nextInt(samples.size()));
          String w = words[random.nextInt(200)];
          out.add(new Q("name and topic", s[2] + " " + w, s[2] + " " + w, null));
        }
        default -> { // within one site
          String w = words[random.nextInt(2000)];
          out.add(new Q("one site", w, w, site));
        }
      }
    }
    return out;
  }

  private static String mix(List<Q> qs) {
    java.util.Map<String, Integer> n = new java.util.TreeMap<>();
    qs.forEach(q -> n.merge(q.kind, 1, Integer::sum));
    return n.toString();
  }

  /** Pages into PostgreSQL (GIN index built after the load, as an index is faster built than grown) and FTS5. */
  private static List<String[]> load(HikariDataSource db, Connection sqlite, int pages, int sites, String[] words,
      double[] zipf) throws Exception {
    try (Statement s = sqlite.createStatement()) {
      s.execute("PRAGMA journal_mode = OFF");
      s.execute("PRAGMA synchronous = OFF");
      s.execute("CREATE TABLE pages (subdomain TEXT, kind TEXT, meeting TEXT, date TEXT, page INTEGER, text TEXT)");
      s.execute("CREATE INDEX pages_subdomain ON pages (subdomain)");
      s.execute("CREATE VIRTUAL TABLE pages_fts USING fts5(text, content=\"pages\", tokenize='porter unicode61')");
    }
    sqlite.setAutoCommit(false);
    List<String[]> samples = new ArrayList<>();
    int perSite = pages / sites;
    Random random = new Random(42);
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        PreparedStatement insert = sqlite.prepareStatement(
            "INSERT INTO pages (subdomain, kind, meeting, date, page, text) VALUES (?, ?, ?, ?, ?, ?)")) {
      s.execute("DROP INDEX pages_tsv_idx");
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      for (int site = 0; site < sites; site++) {
        String subdomain = site(site);
        s.execute("INSERT INTO sites (subdomain, name) VALUES ('" + subdomain + "', 'Town " + site + "')");
        String[] surnames = new String[40];
        for (int i = 0; i < surnames.length; i++) {
          surnames[i] = words[3000 + random.nextInt(20000)];
          surnames[i] = Character.toUpperCase(surnames[i].charAt(0)) + surnames[i].substring(1);
        }
        StringBuilder documents = new StringBuilder();
        StringBuilder rows = new StringBuilder();
        for (int p = 0; p < perSite; p++) {
          int doc = p / 20;
          String kind = doc % 5 == 4 ? "agendas" : "minutes";
          String date = LocalDate.of(2000, 1, 1).plusDays(doc * 14L).toString();
          String id = kind + "/CityCouncil/" + date;
          if (p % 20 == 0) {
            documents.append(String.join("\t", subdomain, id, kind, "CityCouncil", date, "20", "completed",
                "completed", "completed")).append('\n');
          }
          String text = text(random, words, zipf, surnames);
          if (samples.size() < 5000 && random.nextInt(100) == 0) {
            // A phrase someone would quote: two words side by side, at least one of them not among the
            // 200 commonest ("parking meter", not "council council").
            String[] w = text.split(" ");
            for (int tries = 0; tries < 50; tries++) {
              int at = random.nextInt(w.length - 2);
              String a = w[at].replaceAll("\\W", "");
              String b = w[at + 1].replaceAll("\\W", "");
              if (rank(a) >= 200 || rank(b) >= 200) {
                samples.add(new String[] {a, b, surnames[random.nextInt(surnames.length)]});
                break;
              }
            }
          }
          rows.append(String.join("\t", subdomain, id, kind, "CityCouncil", date, String.valueOf(p % 20 + 1), text))
              .append('\n');
          insert.setString(1, subdomain);
          insert.setString(2, kind);
          insert.setString(3, "CityCouncil");
          insert.setString(4, date);
          insert.setInt(5, p % 20 + 1);
          insert.setString(6, text);
          insert.executeUpdate();
        }
        copy.copyIn("COPY documents (subdomain, document_id, kind, meeting, date, pages, ocr_status,"
            + " compilation_status, extraction_status) FROM STDIN", new StringReader(documents.toString()));
        copy.copyIn("COPY pages (subdomain, document_id, kind, meeting, date, page, text) FROM STDIN",
            new StringReader(rows.toString()));
      }
      sqlite.commit();
      s.execute("CREATE INDEX pages_tsv_idx ON pages USING GIN (tsv)");
      s.execute("VACUUM ANALYZE");
    }
    try (Statement s = sqlite.createStatement()) {
      s.execute("INSERT INTO pages_fts (pages_fts) VALUES ('rebuild')");
      s.execute("ANALYZE");
    }
    sqlite.commit();
    samples.removeIf(x -> x[0].isEmpty() || x[1].isEmpty());
    return samples;
  }

  private static final java.util.Map<String, Integer> RANKS = new java.util.HashMap<>();

  /** A word's rank in the vocabulary (a site's surname counts as rare). */
  private static int rank(String word) {
    return RANKS.getOrDefault(word.toLowerCase(java.util.Locale.ROOT), Integer.MAX_VALUE);
  }

  static String site(int i) {
    return String.format("town%03d.example.org", i);
  }

  /** About 1,500 characters: Zipf-drawn words in sentences, the site's surnames now and then. */
  private static String text(Random random, String[] words, double[] zipf, String[] surnames) {
    StringBuilder s = new StringBuilder(1700);
    int sentence = 0;
    while (s.length() < 1500) {
      String w = random.nextInt(25) == 0 ? surnames[random.nextInt(surnames.length)]
          : words[Math.min(words.length - 1, -Arrays.binarySearch(zipf, random.nextDouble()) - 1)];
      s.append(w);
      if (++sentence > 8 + random.nextInt(12)) {
        s.append(". ");
        sentence = 0;
      } else {
        s.append(' ');
      }
    }
    return s.toString();
  }

  /** Council words first, then made-up words of two to four syllables. */
  private static String[] vocabulary() {
    String[] syllables = ("ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu"
        + " pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu za ze zi zo zu").split(" ");
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>(Arrays.asList(COMMON));
    Random random = new Random(3);
    while (out.size() < VOCABULARY) {
      StringBuilder w = new StringBuilder();
      for (int i = 0, n = 2 + random.nextInt(3); i < n; i++) {
        w.append(syllables[random.nextInt(syllables.length)]);
      }
      w.append("rt");
      out.add(w.toString());
    }
    String[] words = out.toArray(new String[0]);
    for (int i = 0; i < words.length; i++) {
      RANKS.putIfAbsent(words[i], i);
    }
    return words;
  }

  /** Cumulative probabilities of Zipf's law (s = 1) over n ranks. */
  private static double[] zipf(int n) {
    double[] c = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1.0 / (i + 1);
      c[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      c[i] /= sum;
    }
    return c;
  }

  private static void report(String what, double[] ms) {
    System.out.printf("%-30s p50 %6.1f ms   p95 %6.1f ms   max %7.1f ms%n", what, percentile(ms, 50),
        percentile(ms, 95), percentile(ms, 100));
  }

  static double percentile(double[] values, double p) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[Math.max(0, (int) Math.ceil(p / 100 * v.length) - 1)];
  }

  private static void slowest(List<Q> qs, double[] pg, double[] fts) {
    Integer[] order = new Integer[qs.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(pg[b], pg[a]));
    System.out.println("slowest in PostgreSQL:");
    for (int i = 0; i < Math.min(5, order.length); i++) {
      Q q = qs.get(order[i]);
      System.out.printf("  %7.1f ms (FTS5 %6.1f ms)  %s: %s%s%n", pg[order[i]], fts[order[i]], q.kind, q.web,
          q.site == null ? "" : " (site " + q.site + ")");
    }
  }
}
