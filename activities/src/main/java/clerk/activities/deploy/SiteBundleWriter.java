package clerk.activities.deploy;

import clerk.activities.db.PageWarnings;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Writes a site's publishable bundle, {@code DEPLOY_DIR/{subdomain}/}: {@code meetings.db} (see
 * {@link MeetingsDb}), {@code metadata.json} for Datasette ({@link DatasetteMetadata}) and
 * {@code site.json}, a summary for humans, the site's front page and reconciliation.
 *
 * <p>Minutes are published once extraction completed (their votes are part of the bundle), agendas
 * once compilation completed (agendas have no votes to wait for). Everything is read in one
 * repeatable-read transaction; only documents whose version changed are written ({@link BundleSync}),
 * into the database file readers do not see, which is then switched to in one rename
 * ({@link BundleDirectory}). Marking documents deployed is the caller's business, not this class's.
 *
 * <p>One document never fails another: a document whose rows cannot be written (SQLite refuses a
 * row, or finding a page's entities fails) is left out whole, listed in {@code site.json}'s
 * {@code failed_documents} and in {@link BundleSummary#leftOut()}; the bundle holds the rest. Only a
 * failure of the bundle itself (the disk, the database) fails the write.
 */
public final class SiteBundleWriter {
  static final String SITE_JSON = "site.json";

  /** A document the bundle includes (SQL; {@code d} is the documents row): what search may link to. */
  public static final String INCLUDED = "(d.ocr_status = 'completed' AND d.compilation_status = 'completed'"
      + " AND (d.kind = 'agendas' OR d.extraction_status = 'completed'))";
  private static final String C = " COLLATE \"C\"";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BundlePermissions permissions;
  private final int batchPages;
  private final int bulkAtLeast;

  /** Bundles readable by the web server's group ({@code www-data} where it can be given; see {@link BundlePermissions}). */
  public SiteBundleWriter() {
    this(BundlePermissions.of(null));
  }

  public SiteBundleWriter(BundlePermissions permissions) {
    this(permissions, BundleSync.BATCH_PAGES, BundleSync.BULK_AT_LEAST);
  }

  /** With smaller batches and bulk writes, for tests of a deploy that stops half-way. */
  SiteBundleWriter(BundlePermissions permissions, int batchPages, int bulkAtLeast) {
    this.permissions = permissions;
    this.batchPages = batchPages;
    this.bulkAtLeast = bulkAtLeast;
  }

  /** Whether the site's bundle is in place in DEPLOY_DIR. */
  public static boolean isDeployed(Path deployDir, String subdomain) {
    return Files.isRegularFile(deployDir.resolve(subdomain).resolve(MeetingsDb.FILE_NAME));
  }

  /**
   * The fingerprint of what a bundle of the site holds, from the database: MD5 over the included
   * documents' ids, page counts, text sizes and PDF identity. Deploy writes it into {@code site.json};
   * reconciliation compares the two, so a bundle that lacks a document, still holds a removed one, or
   * was built from an older version of one, is found and redeployed.
   */
  private static final String FINGERPRINT = "md5(coalesce(string_agg(d.document_id || ':' || coalesce(d.pages, 0)"
      + " || ':' || coalesce(d.text_bytes, -1) || ':' || coalesce(d.pdf_sha256, d.pdf_size || '/' || d.pdf_mtime, ''),"
      + " ',' ORDER BY d.document_id" + C + "), ''))";

  /** The fingerprint of a site with nothing to publish. */
  public static final String EMPTY_FINGERPRINT = "d41d8cd98f00b204e9800998ecf8427e";

  /** Each site's expected bundle fingerprint (sites with nothing to publish get the empty one). */
  public static Map<String, String> fingerprints(Connection c, List<String> subdomains) throws SQLException {
    Map<String, String> out = new HashMap<>();
    subdomains.forEach(s -> out.put(s, EMPTY_FINGERPRINT));
    try (PreparedStatement s = c.prepareStatement("SELECT d.subdomain, " + FINGERPRINT
        + " FROM documents d WHERE d.subdomain = ANY (?) AND " + INCLUDED + " GROUP BY d.subdomain")) {
      s.setArray(1, c.createArrayOf("text", subdomains.toArray()));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.put(r.getString(1), r.getString(2));
        }
      }
    }
    return out;
  }

  /**
   * The fingerprint in the published {@code site.json}; null when the site has no bundle, "" when its
   * bundle predates fingerprints or cannot be read (either way it must be written again).
   */
  public static String fingerprintOnDisk(Path deployDir, String subdomain) {
    Path siteJson = deployDir.resolve(subdomain).resolve(SITE_JSON);
    if (!isDeployed(deployDir, subdomain)) {
      return null;
    }
    try {
      return JSON.readTree(siteJson.toFile()).path("fingerprint").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  public BundleSummary write(DataSource db, String subdomain, Path deployDir) throws IOException {
    return write(db, subdomain, deployDir, DeployProgress.NONE);
  }

  /**
   * Brings the site's bundle in step with the database: only documents that changed are written (the
   * first deploy, or one after a change of the bundle format, writes them all), then the bundle is
   * switched to in one rename. {@code progress} hears of each batch written.
   */
  public BundleSummary write(DataSource db, String subdomain, Path deployDir, DeployProgress progress)
      throws IOException {
    BundleDirectory.validSubdomain(subdomain);
    return BundleDirectory.locked(deployDir, subdomain, permissions, bundle -> {
      Path standby = bundle.standby();
      Built built = build(db, subdomain, standby, progress, batchPages, bulkAtLeast);
      bundle.publish(standby);
      // A withdrawn document's page images go with it (deleted after the switch: no reader is left
      // with a page whose image is gone). The standby, a deploy behind, may list it a second time.
      for (MeetingsDb.Document d : built.changes.withdrawn()) {
        BundleDirectory.deleteTree(bundle.dir().resolve(
            CivicIds.pageImage(d.table(), d.meeting(), d.date(), 1).substring(1)).getParent());
      }
      bundle.write(DatasetteMetadata.FILE_NAME, DatasetteMetadata.forSite(built.name, subdomain));
      bundle.write(SITE_JSON, JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(built.site)
          + "\n");
      return new BundleSummary(built.totals.documents(), built.totals.pages(), built.totals.motions(),
          bundle.dir(), built.changes.leftOut(), built.changes.written(), built.changes.removed());
    });
  }

  /** What a build wrote into the standby database, and the site.json that describes it. */
  private record Built(String name, MeetingsDb.Totals totals, BundleSync.Changes changes, ObjectNode site) {}

  private static Built build(DataSource db, String subdomain, Path database, DeployProgress progress,
      int batchPages, int bulkAtLeast) throws IOException {
    try (Connection pg = db.getConnection()) {
      pg.setAutoCommit(false);
      pg.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      pg.setReadOnly(true);
      try {
        String name = siteName(pg, subdomain);
        ObjectNode site = JSON.createObjectNode();
        site.put("subdomain", subdomain);
        site.put("name", name);
        site.put("generated_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        site.put("fingerprint", fingerprints(pg, List.of(subdomain)).get(subdomain));
        site.put("format", MeetingsDb.FORMAT);
        BundleSync.Changes changes;
        MeetingsDb.Totals totals;
        try (MeetingsDb meetings = MeetingsDb.openIntact(database, MeetingsDb.Scope.SITE)) {
          changes = new BundleSync(pg, meetings, MeetingsDb.Scope.SITE, progress, batchPages, bulkAtLeast).sync(published(pg, subdomain));
          totals = meetings.totals();
        }
        site.put("documents", totals.documents());
        site.put("pages", totals.pages());
        site.put("motions", totals.motions());
        for (String kind : MeetingsDb.TABLES) {
          int[] tally = totals.perTable().get(kind);
          site.putObject(kind).put("documents", tally[0]).put("pages", tally[1]);
        }
        ArrayNode failed = failedDocuments(pg, subdomain);
        for (BundleSummary.LeftOut d : changes.leftOut()) {
          failed.addObject().put("document_id", d.documentId()).put("stage", "deploy").put("error", d.reason());
        }
        site.set("failed_documents", failed);
        site.set("page_warnings", JSON.valueToTree(PageWarnings.ofSite(pg, subdomain)));
        pg.commit();
        return new Built(name, totals, changes, site);
      } finally {
        if (!pg.getAutoCommit()) {
          pg.rollback(); // read-only: nothing to undo, just end the transaction
        }
      }
    } catch (SQLException e) {
      throw new IOException(subdomain + ": cannot build the site bundle: " + e.getMessage(), e);
    }
  }

  /** The site's name as registered ("Alameda, CA"); the subdomain when it has none. */
  private static String siteName(Connection pg, String subdomain) throws SQLException {
    try (PreparedStatement s = pg.prepareStatement("SELECT name FROM sites WHERE subdomain = ?")) {
      s.setString(1, subdomain);
      try (ResultSet r = s.executeQuery()) {
        String name = r.next() ? r.getString(1) : null;
        return name == null || name.isBlank() ? subdomain : name;
      }
    }
  }

  /** The documents the bundle publishes, in a fixed order, with their versions. */
  private static List<BundleSync.Published> published(Connection pg, String subdomain) throws SQLException {
    List<BundleSync.Published> out = new ArrayList<>();
    try (PreparedStatement s = pg.prepareStatement("SELECT d.kind, d.meeting, d.date, " + BundleSync.VERSION
        + ", coalesce(d.pages, 0) FROM documents d WHERE d.subdomain = ? AND " + INCLUDED
        + " ORDER BY d.kind" + C + ", d.meeting" + C + ", d.date" + C)) {
      s.setString(1, subdomain);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(new BundleSync.Published(
              new MeetingsDb.Document(subdomain, null, r.getString(1), r.getString(2), r.getString(3)),
              r.getString(4), r.getInt(5)));
        }
      }
    }
    return out;
  }

  /** Documents left out because a stage failed them for good, with the reason. */
  private static ArrayNode failedDocuments(Connection pg, String subdomain) throws SQLException {
    ArrayNode out = JSON.createArrayNode();
    try (PreparedStatement s = pg.prepareStatement(
        "SELECT d.document_id, coalesce(d.error_stage, CASE WHEN d.ocr_status = 'failed' THEN 'ocr'"
            + " WHEN d.compilation_status = 'failed' THEN 'compilation' ELSE 'extraction' END), d.error"
            + " FROM documents d WHERE d.subdomain = ? AND NOT " + INCLUDED
            + " AND 'failed' IN (d.ocr_status, d.compilation_status, d.extraction_status)"
            + " ORDER BY d.document_id" + C)) {
      s.setString(1, subdomain);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.addObject().put("document_id", r.getString(1)).put("stage", r.getString(2))
              .put("error", r.getString(3));
        }
      }
    }
    return out;
  }
}
