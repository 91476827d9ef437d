package clerk.activities.deploy;

import clerk.activities.db.PageWarnings;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Writes a site's publishable bundle, {@code DEPLOY_DIR/{subdomain}/}: {@code meetings.db} (see
 * {@link MeetingsDb}) and {@code site.json}, a summary for humans and the site's front page.
 *
 * <p>Minutes are published once extraction completed (their votes are part of the bundle), agendas
 * once compilation completed (agendas have no votes to wait for). Everything is read in one
 * repeatable-read transaction, in a fixed order, so the same database gives the same bundle apart
 * from {@code generated_at}. Marking documents deployed is the caller's business, not this class's.
 *
 * <p>One document never fails another: a document whose rows cannot be written (SQLite refuses a
 * row, or finding a page's entities fails) is left out whole, listed in {@code site.json}'s
 * {@code failed_documents} and in {@link BundleSummary#leftOut()}; the bundle holds the rest. Only a
 * failure of the bundle itself (the disk, the database) fails the write.
 */
public final class SiteBundleWriter {
  static final String SITE_JSON = "site.json";

  /** A document the bundle includes; {@code d} is the documents row. */
  private static final String INCLUDED = "(d.ocr_status = 'completed' AND d.compilation_status = 'completed'"
      + " AND (d.kind = 'agendas' OR d.extraction_status = 'completed'))";
  private static final String C = " COLLATE \"C\"";

  private static final ObjectMapper JSON = new ObjectMapper();

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
    BundleDirectory.validSubdomain(subdomain);
    BundleSummary built = BundleDirectory.replace(deployDir, subdomain, tmp -> build(db, subdomain, tmp));
    return new BundleSummary(built.documents(), built.pages(), built.motions(),
        deployDir.resolve(subdomain), built.leftOut());
  }

  private static BundleSummary build(DataSource db, String subdomain, Path dir) throws IOException {
    Path dbFile = dir.resolve(MeetingsDb.FILE_NAME);
    Path siteJson = dir.resolve(SITE_JSON);
    try (Connection pg = db.getConnection()) {
      pg.setAutoCommit(false);
      pg.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      pg.setReadOnly(true);
      try {
        ObjectNode site = JSON.createObjectNode();
        site.put("subdomain", subdomain);
        site.put("generated_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        site.put("fingerprint", fingerprints(pg, List.of(subdomain)).get(subdomain));
        Copied copied;
        try (MeetingsDb meetings = MeetingsDb.create(dbFile)) {
          copied = copyPages(pg, subdomain, motionsByPage(pg, subdomain), meetings);
          meetings.finish();
        }
        site.put("documents", copied.documents());
        site.put("pages", copied.pages());
        site.put("motions", copied.motions);
        for (String kind : MeetingsDb.TABLES) {
          int[] tally = copied.perKind.get(kind);
          site.putObject(kind).put("documents", tally[0]).put("pages", tally[1]);
        }
        ArrayNode failed = failedDocuments(pg, subdomain);
        for (BundleSummary.LeftOut d : copied.leftOut) {
          failed.addObject().put("document_id", d.documentId()).put("stage", "deploy").put("error", d.reason());
        }
        site.set("failed_documents", failed);
        site.set("page_warnings", JSON.valueToTree(PageWarnings.ofSite(pg, subdomain)));
        Files.writeString(siteJson,
            JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(site) + "\n",
            StandardCharsets.UTF_8);
        pg.commit();
        sync(dbFile);
        sync(siteJson);
        return new BundleSummary(copied.documents(), copied.pages(), copied.motions, dir, copied.leftOut);
      } finally {
        if (!pg.getAutoCommit()) {
          pg.rollback(); // read-only: nothing to undo, just end the transaction
        }
      }
    } catch (SQLException e) {
      throw new IOException(subdomain + ": cannot build the site bundle: " + e.getMessage(), e);
    }
  }

  /** The motions of included documents, by document id and the page each starts on, in order. */
  private static Map<String, ArrayNode> motionsByPage(Connection pg, String subdomain)
      throws SQLException, JsonProcessingException {
    Map<String, ArrayNode> out = new HashMap<>();
    try (PreparedStatement s = pg.prepareStatement(
        "SELECT m.document_id, m.page, m.motion, m.mover, m.seconder, m.result, m.ayes, m.nays, m.abstain,"
            + " m.absent, m.votes::text FROM motions m JOIN documents d"
            + " ON d.subdomain = m.subdomain AND d.document_id = m.document_id"
            + " WHERE m.subdomain = ? AND " + INCLUDED + " ORDER BY m.document_id" + C + ", m.seq")) {
      s.setString(1, subdomain);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          ObjectNode motion = out.computeIfAbsent(pageKey(r.getString(1), r.getInt(2)),
              k -> JSON.createArrayNode()).addObject();
          motion.put("motion", r.getString(3));
          motion.put("mover", r.getString(4));
          motion.put("seconder", r.getString(5));
          motion.put("result", r.getString(6));
          motion.put("ayes", (Integer) r.getObject(7));
          motion.put("nays", (Integer) r.getObject(8));
          motion.put("abstain", (Integer) r.getObject(9));
          motion.put("absent", (Integer) r.getObject(10));
          motion.set("votes", JSON.readTree(r.getString(11)));
        }
      }
    }
    return out;
  }

  private static String pageKey(String documentId, int page) {
    return documentId + "#" + page;
  }

  /** What went into meetings.db, per kind, and which documents could not. */
  private static final class Copied {
    final Map<String, int[]> perKind = Map.of("minutes", new int[2], "agendas", new int[2]); // {documents, pages}
    int motions;
    final List<BundleSummary.LeftOut> leftOut = new ArrayList<>();

    /** Keeps the document's rows, or takes them all back when one could not be written. */
    void end(DocumentRows doc, MeetingsDb meetings) throws SQLException {
      if (doc.problem != null) {
        meetings.dropDocument(doc.start);
        leftOut.add(new BundleSummary.LeftOut(doc.id, doc.problem));
        return;
      }
      meetings.keepDocument(doc.start);
      int[] tally = perKind.get(doc.kind);
      tally[0]++;
      tally[1] += doc.pages;
      motions += doc.motions;
    }

    int documents() {
      return perKind.get("minutes")[0] + perKind.get("agendas")[0];
    }

    int pages() {
      return perKind.get("minutes")[1] + perKind.get("agendas")[1];
    }
  }

  /** One document's rows on their way into meetings.db. */
  private static final class DocumentRows {
    final String id;
    final String kind;
    final Savepoint start;
    int pages;
    int motions;
    /** Why the document cannot be in the bundle; null while it can. */
    String problem;

    DocumentRows(String id, String kind, Savepoint start) {
      this.id = id;
      this.kind = kind;
      this.start = start;
    }
  }

  /** Streams the included pages into the bundle, a document at a time (rows come ordered by document). */
  private static Copied copyPages(Connection pg, String subdomain, Map<String, ArrayNode> motions,
      MeetingsDb meetings) throws SQLException, JsonProcessingException {
    Copied copied = new Copied();
    try (PreparedStatement s = pg.prepareStatement(
        "SELECT d.kind, d.meeting, d.date, p.page, p.text, d.document_id FROM pages p JOIN documents d"
            + " ON d.subdomain = p.subdomain AND d.document_id = p.document_id"
            + " WHERE p.subdomain = ? AND " + INCLUDED
            + " ORDER BY d.kind" + C + ", d.meeting" + C + ", d.date" + C + ", p.page")) {
      s.setString(1, subdomain);
      s.setFetchSize(200); // a site can have tens of thousands of pages: stream, don't load them all
      try (ResultSet r = s.executeQuery()) {
        DocumentRows doc = null;
        while (r.next()) {
          String documentId = r.getString(6);
          if (doc == null || !doc.id.equals(documentId)) {
            if (doc != null) {
              copied.end(doc, meetings);
            }
            doc = new DocumentRows(documentId, r.getString(1), meetings.beginDocument());
          }
          if (doc.problem == null) {
            doc.problem = copyPage(doc, r.getString(2), r.getString(3), r.getInt(4), r.getString(5), motions,
                meetings);
          }
        }
        if (doc != null) {
          copied.end(doc, meetings);
        }
      }
    }
    return copied;
  }

  /** Writes one page's row; returns why its document cannot be in the bundle, or null. */
  private static String copyPage(DocumentRows doc, String meeting, String date, int page, String text,
      Map<String, ArrayNode> motions, MeetingsDb meetings) throws SQLException, JsonProcessingException {
    String entities;
    try {
      entities = JSON.writeValueAsString(EntityExtractor.extract(text));
    } catch (RuntimeException | StackOverflowError e) {
      // Pattern matching over pathological OCR output can blow the stack: that page's problem.
      return "left out of the bundle: page " + page + ": finding its entities failed (" + e + ")";
    }
    ArrayNode votes = motions.get(pageKey(doc.id, page));
    try {
      meetings.addPage(doc.kind, meeting, date, page, text, entities,
          votes == null ? "[]" : JSON.writeValueAsString(votes));
    } catch (SQLException e) {
      if (!MeetingsDb.refusedRow(e)) {
        throw e;
      }
      String holder = meetings.holderOfId(doc.kind, meeting, date, page, text);
      return holder == null
          ? "left out of the bundle: page " + page + ": SQLite refused its row: " + e.getMessage()
          : "left out of the bundle: page " + page + " has the row id "
              + MeetingsDb.rowId(doc.kind, meeting, date, page, text) + " of " + holder
              + " (12 hex characters of a hash, equal by chance); rename one of the two PDFs";
    }
    doc.pages++;
    doc.motions += votes == null ? 0 : votes.size();
    return null;
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

  /** Flushes a file to disk before it is renamed into view. */
  private static void sync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
