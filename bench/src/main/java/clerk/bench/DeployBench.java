package clerk.bench;

import clerk.activities.db.Database;
import clerk.activities.db.SiteRepository;
import clerk.activities.deploy.BundlePermissions;
import clerk.activities.deploy.BundleSummary;
import clerk.activities.deploy.EntityExtractor;
import clerk.activities.deploy.SiteBundleWriter;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * bench/deploy: a generated site of N pages (default 100,000; 20-page documents, four minutes to one
 * agenda, two motions per minutes document) in PostgreSQL, then the real deploy
 * ({@link SiteBundleWriter}): a full deploy into an empty DEPLOY_DIR, the next deploy with nothing
 * changed (it makes the standby database, once in a bundle's life), and one-document changes. Beside
 * them the strongest fair peer: the same texts bulk-inserted into a plain FTS5 table with the same
 * JDBC driver in one transaction, and the time finding entities takes (compilation does it, once per
 * page, so the pages are loaded with them as compilation leaves them).
 *
 * <p>Usage: bench/deploy/run [--pages 100000] [--changes 5] [--rounds 3]
 */
public final class DeployBench {
  private static final String SITE = "benchville.example.org";
  private static final int PAGES_PER_DOCUMENT = 20;

  public static void main(String[] args) throws Exception {
    int pages = intArg(args, "--pages", 100_000);
    int changes = intArg(args, "--changes", 5);
    int rounds = intArg(args, "--rounds", 3);
    System.out.printf("clerk deploy benchmark: one site of %,d pages (%d-page documents), %d cores, load %s%n",
        pages, PAGES_PER_DOCUMENT, Runtime.getRuntime().availableProcessors(), load());
    Path work = Files.createTempDirectory("clerk-deploy-bench");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pg"))
            .setCleanDataDirectory(true).start();
        HikariDataSource db = Database.connect(pg.getJdbcUrl("postgres", "postgres"), null, null, 4)) {
      Database.migrate(db);
      new SiteRepository(db).ensureSite(SITE, "Benchville, CA");
      long t = System.nanoTime();
      List<String> texts = generate(db, pages);
      System.out.printf("generated and loaded into PostgreSQL in %.1f s%n", seconds(t));

      t = System.nanoTime();
      for (String text : texts) {
        EntityExtractor.extract(text);
      }
      System.out.printf("finding entities on every page (done at compilation, not in deploy; one core): %.2f s%n",
          seconds(t));

      t = System.nanoTime();
      long chars = 0;
      try (Connection c = db.getConnection()) {
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement("SELECT subdomain, kind, meeting, date, page, text, entities_json"
            + " FROM pages ORDER BY document_id, page")) {
          s.setFetchSize(500);
          try (java.sql.ResultSet r = s.executeQuery()) {
            while (r.next()) {
              chars += r.getString(6).length() + r.getString(7).length();
            }
          }
        }
        c.rollback();
      }
      System.out.printf("reading every page from PostgreSQL alone (the least any deploy from it does): %.2f s,"
          + " %,d MB of text%n", seconds(t), chars >> 20);

      // Rounds alternate the peer and a full deploy, so both meet the same machine load; best of each.
      SiteBundleWriter writer = new SiteBundleWriter(BundlePermissions.WORLD_READABLE);
      double peer = Double.MAX_VALUE;
      double fullSeconds = Double.MAX_VALUE;
      BundleSummary full = null;
      Path deployDir = null;
      for (int round = 1; round <= rounds; round++) {
        double p = plainBulkInsert(work.resolve("peer-" + round + ".db"), texts);
        deployDir = work.resolve("deploy-" + round);
        t = System.nanoTime();
        full = writer.write(db, SITE, deployDir);
        double f = seconds(t);
        System.out.printf("round %d: plain bulk insert %.2f s, full deploy %.2f s (load %s)%n", round, p, f, load());
        peer = Math.min(peer, p);
        fullSeconds = Math.min(fullSeconds, f);
      }
      System.out.printf("%nplain bulk insert of the same %,d texts into an FTS5 table (sqlite-jdbc, one transaction):"
          + " %.2f s (best of %d)%n", texts.size(), peer, rounds);
      System.out.printf("full deploy: %.2f s (best of %d; %,d documents, %,d pages, %,d motions written);"
          + " ratio to the plain bulk insert %.2f (target <= 2)%n", fullSeconds, rounds, full.written(), full.pages(),
          full.motions(), fullSeconds / peer);
      System.out.printf("  meetings.db: %,d MB; the peer's file: %,d MB%n",
          Files.size(deployDir.resolve(SITE).resolve("meetings.db").toRealPath()) >> 20,
          Files.size(work.resolve("peer-1.db")) >> 20);

      t = System.nanoTime();
      BundleSummary same = writer.write(db, SITE, deployDir);
      System.out.printf("second deploy, nothing changed (copies the live database to make the standby, once per"
          + " bundle): %.2f s, %d documents written%n", seconds(t), same.written());

      double[] times = new double[changes];
      for (int i = 0; i < changes; i++) {
        String document = "minutes/CityCouncil/" + LocalDate.of(1990, 1, 1).plusDays(i * 7L);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
          s.executeUpdate("UPDATE pages SET text = text || ' Corrected.' WHERE document_id = '" + document + "'");
          s.executeUpdate("UPDATE documents SET compilation_at = now() WHERE document_id = '" + document + "'");
        }
        t = System.nanoTime();
        BundleSummary one = writer.write(db, SITE, deployDir);
        times[i] = seconds(t);
        System.out.printf("one-document change %d: %.2f s (%d written, %d removed: this change and the last one)%n",
            i + 1, times[i], one.written(), one.removed());
      }
      Arrays.sort(times);
      System.out.printf("one-document change: median %.2f s, max %.2f s (target < 2 s)%n", times[times.length / 2],
          times[times.length - 1]);
      System.out.printf("load at the end: %s%n", load());
    } finally {
      ReconcileBench.deleteTree(work);
    }
  }

  /** Documents, pages and motions straight into PostgreSQL as the earlier stages leave them. */
  private static List<String> generate(HikariDataSource db, int pages) throws Exception {
    BenchTexts gen = new BenchTexts(42);
    List<String> texts = new ArrayList<>(pages);
    StringBuilder documents = new StringBuilder();
    StringBuilder pageRows = new StringBuilder();
    StringBuilder motions = new StringBuilder();
    int documentCount = (pages + PAGES_PER_DOCUMENT - 1) / PAGES_PER_DOCUMENT;
    for (int d = 0; d < documentCount; d++) {
      boolean agenda = d % 5 == 4;
      String kind = agenda ? "agendas" : "minutes";
      String meeting = d % 10 < 5 ? "CityCouncil" : "PlanningCommission";
      String date = LocalDate.of(1990, 1, 1).plusDays(d / 10 * 7L + (d % 5)).toString();
      String id = kind + "/" + meeting + "/" + date;
      int n = Math.min(PAGES_PER_DOCUMENT, pages - texts.size());
      documents.append(String.join("\t", SITE, id, kind, meeting, date, String.valueOf(n), "completed", "completed",
          "completed", "completed")).append('\n');
      for (int p = 1; p <= n; p++) {
        String text = gen.page(p, agenda);
        texts.add(text);
        // Entities are found at compilation, as compileDocument does.
        pageRows.append(String.join("\t", SITE, id, kind, meeting, date, String.valueOf(p), copyText(text),
            copyText(EntityExtractor.jsonOrNull(text)))).append('\n');
      }
      if (!agenda) {
        for (int m = 1; m <= 2; m++) {
          motions.append(String.join("\t", SITE, id, String.valueOf(m), String.valueOf(m),
              "to approve the " + gen.topic() + " agreement", gen.name(), gen.name(), "carried", "4", "1", "0", "0",
              "{\"ayes\": [\"" + gen.name() + "\"], \"nays\": [\"" + gen.name() + "\"]}",
              "Councilmember moved to approve; seconded. Motion carried 4-1.")).append('\n');
        }
      }
    }
    try (Connection c = db.getConnection()) {
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      copy.copyIn("COPY documents (subdomain, document_id, kind, meeting, date, pages, ocr_status, compilation_status,"
          + " extraction_status, deploy_status) FROM STDIN", new StringReader(documents.toString()));
      copy.copyIn("COPY pages (subdomain, document_id, kind, meeting, date, page, text, entities_json) FROM STDIN",
          new StringReader(pageRows.toString()));
      copy.copyIn("COPY motions (subdomain, document_id, seq, page, motion, mover, seconder, result, ayes, nays,"
          + " abstain, absent, votes, raw_text) FROM STDIN", new StringReader(motions.toString()));
      try (Statement s = c.createStatement()) {
        s.execute("UPDATE documents SET compilation_at = now(), extraction_at = now()");
        s.execute("ANALYZE");
      }
    }
    return texts;
  }

  private static String copyText(String text) {
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  /** The peer: the same texts into a plain FTS5 table, one transaction, the same driver. */
  private static double plainBulkInsert(Path file, List<String> texts) throws Exception {
    long t = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE VIRTUAL TABLE pages_fts USING fts5(text)");
      }
      try (PreparedStatement s = c.prepareStatement("INSERT INTO pages_fts (text) VALUES (?)")) {
        for (String text : texts) {
          s.setString(1, text);
          s.executeUpdate();
        }
      }
      c.commit();
    }
    return seconds(t);
  }

  static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "unknown";
    }
  }

  static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
