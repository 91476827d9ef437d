package clerk.activities.reconcile;

import clerk.activities.storage.SiteStorage;
import clerk.activities.storage.SiteSurvey;
import clerk.activities.storage.SiteSurvey.DiskDocument;
import clerk.workflows.DocumentRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings a site's {@code documents} rows in line with one walk of its folder; the disk is the truth.
 * Used when a pipeline enters OCR and by reconciliation, so both see documents the same way:
 * <ul>
 *   <li>a new PDF is registered (OCR completed at once when its whole text is already on disk);
 *   <li>a PDF whose size or mtime changed (and, where OCR recorded it, whose SHA-256 changed) runs again
 *       from OCR, failed or not: its old text folder is deleted;
 *   <li>text that went missing or was damaged (page files missing, emptied, or of another total size
 *       than OCR wrote) is deleted and the document runs again from OCR;
 *   <li>text that appeared on disk for a document not OCR-completed marks it completed;
 *   <li>a document whose PDF is gone is deleted (its pages and motions go with it) with its text.
 * </ul>
 * Runs inside the caller's transaction, which holds the site's lock. Files are deleted before the
 * caller commits: if the commit fails, the next comparison finds the text missing and sends the
 * document back, so nothing is lost either way.
 */
public final class DocumentSync {
  private final SiteStorage storage;

  public DocumentSync(SiteStorage storage) {
    this.storage = storage;
  }

  /** What one sync changed, by kind of finding. */
  public record Result(int registered, int textFound, int textLost, int changed, int damaged, int removed) {
    public boolean any() {
      return registered + textFound + textLost + changed + damaged + removed > 0;
    }

    /** Each finding as a repair line of the reconciliation report, as done. */
    public List<String> describe() {
      return describe(false);
    }

    /** Each finding as a repair line of the reconciliation report; in a dry run, as what would be done. */
    public List<String> describe(boolean dryRun) {
      List<String> out = new ArrayList<>();
      note(out, registered, "PDF on disk", "PDFs on disk", "registered", dryRun);
      note(out, textFound, "document with complete text on disk", "documents with complete text on disk",
          "marked OCR completed", dryRun);
      note(out, textLost, "document whose text is missing", "documents whose text is missing",
          "sent back to OCR", dryRun);
      note(out, changed, "document whose PDF changed on disk", "documents whose PDF changed on disk",
          "sent back to OCR", dryRun);
      note(out, damaged, "document whose text on disk is damaged", "documents whose text on disk is damaged",
          "sent back to OCR", dryRun);
      note(out, removed, "document whose PDF is gone", "documents whose PDF is gone",
          "removed (pages, motions and text with them)", dryRun);
      return out;
    }

    private static void note(List<String> out, int count, String one, String many, String done, boolean dryRun) {
      if (count > 0) {
        out.add(Finding.of(count, one, many, done, dryRun));
      }
    }
  }

  /** A documents row as far as the comparison needs it. */
  private record Known(
      DocumentRef ref, String ocrStatus, Integer pages, Long textBytes, Long pdfSize, Long pdfMtime,
      String pdfSha256) {}

  /**
   * @param deleteFiles false for a dry run: the database changes are made (to be rolled back by the
   *     caller) but no file is touched
   */
  public Result apply(Connection c, String subdomain, SiteSurvey survey, boolean deleteFiles)
      throws SQLException {
    Map<String, Known> known = known(c, subdomain);
    int registered = 0;
    int textFound = 0;
    int textLost = 0;
    int changed = 0;
    int damaged = 0;
    try (Statements s = new Statements(c, subdomain)) {
      for (DiskDocument disk : survey.documents()) {
        Known row = known.remove(disk.id());
        SiteSurvey.Text text = disk.text();
        if (row == null) {
          s.register(disk);
          registered++;
          if (text.exists() && !text.complete()) {
            delete(disk.ref(), deleteFiles); // a damaged folder must not pass for text later
          }
        } else if (pdfChanged(row, disk)) {
          s.sendBack(disk, true);
          delete(disk.ref(), deleteFiles);
          changed++;
        } else {
          if (row.pdfSize() == null || row.pdfMtime() != disk.pdfMtime()) {
            s.recordPdf(disk); // first comparison of an old row, or touched with the same content
          }
          if (row.ocrStatus().equals("completed")) {
            if (!text.exists()) {
              s.sendBack(disk, false);
              textLost++;
            } else if (damaged(row, text)) {
              s.sendBack(disk, false);
              delete(disk.ref(), deleteFiles);
              damaged++;
            } else if (row.textBytes() == null) {
              s.recordText(disk.id(), text);
            }
          } else if (text.complete()) {
            s.textFound(disk);
            textFound++;
          }
        }
      }
      for (Known gone : known.values()) {
        s.remove(gone.ref().id());
        delete(gone.ref(), deleteFiles);
      }
      s.execute();
    }
    return new Result(registered, textFound, textLost, changed, damaged, known.size());
  }

  /**
   * Whether the PDF is not the one the row describes. Size and mtime decide; where OCR recorded the
   * SHA-256 and only the mtime moved (a copy, a touch), the content decides. Rows recorded before
   * these columns existed have nothing to compare yet.
   */
  private boolean pdfChanged(Known row, DiskDocument disk) {
    if (row.pdfSize() == null || row.pdfMtime() == null) {
      return false;
    }
    if (row.pdfSize() != disk.pdfSize()) {
      return true;
    }
    if (row.pdfMtime() == disk.pdfMtime()) {
      return false;
    }
    if (row.pdfSha256() == null) {
      return true;
    }
    try {
      return !row.pdfSha256().equals(storage.sha256(disk.ref()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Text that is there but is not what OCR wrote: pages missing, or of another size in all. */
  private static boolean damaged(Known row, SiteSurvey.Text text) {
    if (!text.complete() || text.files() != text.pages()) {
      return true;
    }
    if (row.pages() != null && row.pages() != text.pages()) {
      return true;
    }
    return row.textBytes() != null && row.textBytes() != text.bytes();
  }

  private void delete(DocumentRef d, boolean deleteFiles) {
    if (!deleteFiles) {
      return;
    }
    try {
      storage.removeText(d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Known> known(Connection c, String subdomain) throws SQLException {
    Map<String, Known> known = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT kind, meeting, date, ocr_status, pages, text_bytes, pdf_size, pdf_mtime, pdf_sha256"
            + " FROM documents WHERE subdomain = ?")) {
      s.setString(1, subdomain);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          DocumentRef ref = new DocumentRef(subdomain, r.getString(1), r.getString(2), r.getString(3));
          known.put(ref.id(), new Known(ref, r.getString(4), (Integer) r.getObject(5),
              (Long) r.getObject(6), (Long) r.getObject(7), (Long) r.getObject(8), r.getString(9)));
        }
      }
    }
    return known;
  }

  /** The batched statements of one sync. */
  private static final class Statements implements AutoCloseable {
    private final String subdomain;
    private final PreparedStatement insert;
    private final PreparedStatement sendBack;
    private final PreparedStatement found;
    private final PreparedStatement pdf;
    private final PreparedStatement text;
    private final PreparedStatement gone;

    Statements(Connection c, String subdomain) throws SQLException {
      this.subdomain = subdomain;
      insert = c.prepareStatement(
          "INSERT INTO documents (subdomain, document_id, kind, meeting, date, pages, text_bytes, ocr_method,"
              + " ocr_status, ocr_at, pdf_size, pdf_mtime) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
              + " CASE WHEN ? THEN now() END, ?, ?)");
      // Every stage again from OCR; a new PDF also forgets the old one's facts.
      sendBack = c.prepareStatement(
          "UPDATE documents SET ocr_status = 'pending', compilation_status = 'pending',"
              + " extraction_status = 'pending', deploy_status = 'pending', error = NULL, error_stage = NULL,"
              + " pages = NULL, text_bytes = NULL, ocr_method = NULL, updated_at = now(),"
              + " pdf_sha256 = CASE WHEN ? THEN NULL ELSE pdf_sha256 END,"
              + " pdf_size = ?, pdf_mtime = ? WHERE subdomain = ? AND document_id = ?");
      found = c.prepareStatement(
          "UPDATE documents SET ocr_status = 'completed', pages = ?, text_bytes = ?, ocr_at = now(),"
              + " updated_at = now(), ocr_method = coalesce(ocr_method, 'text found on disk'),"
              + " error = NULL, error_stage = NULL WHERE subdomain = ? AND document_id = ?");
      pdf = c.prepareStatement(
          "UPDATE documents SET pdf_size = ?, pdf_mtime = ? WHERE subdomain = ? AND document_id = ?");
      text = c.prepareStatement(
          "UPDATE documents SET text_bytes = ? WHERE subdomain = ? AND document_id = ?");
      gone = c.prepareStatement("DELETE FROM documents WHERE subdomain = ? AND document_id = ?");
    }

    void register(DiskDocument d) throws SQLException {
      boolean done = d.text().complete() && d.text().files() == d.text().pages();
      DocumentRef ref = d.ref();
      insert.setString(1, subdomain);
      insert.setString(2, ref.id());
      insert.setString(3, ref.kind());
      insert.setString(4, ref.meeting());
      insert.setString(5, ref.date());
      insert.setObject(6, done ? d.text().pages() : null, Types.INTEGER);
      insert.setObject(7, done ? d.text().bytes() : null, Types.BIGINT);
      insert.setString(8, done ? "text found on disk" : null);
      insert.setString(9, done ? "completed" : "pending");
      insert.setBoolean(10, done);
      insert.setLong(11, d.pdfSize());
      insert.setLong(12, d.pdfMtime());
      insert.addBatch();
    }

    void sendBack(DiskDocument d, boolean newPdf) throws SQLException {
      sendBack.setBoolean(1, newPdf);
      sendBack.setLong(2, d.pdfSize());
      sendBack.setLong(3, d.pdfMtime());
      sendBack.setString(4, subdomain);
      sendBack.setString(5, d.id());
      sendBack.addBatch();
    }

    void textFound(DiskDocument d) throws SQLException {
      found.setInt(1, d.text().pages());
      found.setLong(2, d.text().bytes());
      found.setString(3, subdomain);
      found.setString(4, d.id());
      found.addBatch();
    }

    void recordPdf(DiskDocument d) throws SQLException {
      pdf.setLong(1, d.pdfSize());
      pdf.setLong(2, d.pdfMtime());
      pdf.setString(3, subdomain);
      pdf.setString(4, d.id());
      pdf.addBatch();
    }

    void recordText(String id, SiteSurvey.Text t) throws SQLException {
      text.setLong(1, t.bytes());
      text.setString(2, subdomain);
      text.setString(3, id);
      text.addBatch();
    }

    void remove(String id) throws SQLException {
      gone.setString(1, subdomain);
      gone.setString(2, id);
      gone.addBatch();
    }

    void execute() throws SQLException {
      for (PreparedStatement s : List.of(insert, sendBack, found, pdf, text, gone)) {
        s.executeBatch();
      }
    }

    @Override
    public void close() throws SQLException {
      for (PreparedStatement s : List.of(insert, sendBack, found, pdf, text, gone)) {
        s.close();
      }
    }
  }
}
