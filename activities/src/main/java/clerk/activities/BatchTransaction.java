package clerk.activities;

import clerk.activities.db.SiteRepository;
import clerk.activities.storage.InvalidNameException;
import clerk.workflows.DocumentOutcome;
import clerk.workflows.DocumentRef;
import clerk.workflows.Stage;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch of one site's documents through compilation or extraction with one PostgreSQL transaction
 * (one commit, one lock of the site's row) for the whole batch: each document's rows written and the
 * document marked completed together, as one document's activity does it. When PostgreSQL refuses a
 * document's rows for their content, the transaction is done again with a savepoint per document:
 * that document fails alone, with the database's reason, and the others are written.
 *
 * @param <R> a document's rows, read and worked out before the transaction
 */
final class BatchTransaction<R> {
  private static final Logger log = LoggerFactory.getLogger(BatchTransaction.class);

  /** Writes the rows of these documents (in place of any they had), in the caller's transaction. */
  interface Rows<R> {
    void write(Connection c, List<Ready<R>> documents) throws SQLException;
  }

  /**
   * A document read and worked out: what it writes, and its outcome once written.
   *
   * @param pages the page count to record with the document; null: the one it has
   */
  record Ready<R>(int index, DocumentRef document, Integer pages, R rows, DocumentOutcome outcome) {}

  interface Work<R> {
    Ready<R> prepare(int index, DocumentRef document) throws IOException;
  }

  private final String subdomain;
  private final Stage stage;
  private final DocumentOutcome[] outcomes;
  private final List<Ready<R>> ready = new ArrayList<>();

  BatchTransaction(String subdomain, Stage stage, int documents) {
    this.subdomain = subdomain;
    this.stage = stage;
    this.outcomes = new DocumentOutcome[documents];
  }

  /** The site of a batch's documents, which must all be of one site. */
  static String siteOf(List<DocumentRef> documents) {
    String subdomain = documents.get(0).subdomain();
    if (documents.stream().anyMatch(d -> !d.subdomain().equals(subdomain))) {
      throw new IllegalArgumentException("a batch of documents is of one site, not several: " + documents);
    }
    return subdomain;
  }

  /** Reconciliation sent the document back to an earlier stage: nothing is written for it. */
  void sentBack(int index, DocumentRef document) {
    log.info("{}: {} skipped: an earlier stage of the document runs again", document, stage.dbName());
    outcomes[index] = DocumentOutcome.superseded(document.id(), "sent back to an earlier stage by reconciliation");
  }

  /** Prepares a document's rows; bad input (a vanished text, a bad name) is its failure alone. */
  void prepare(int index, DocumentRef document, Work<R> work) throws IOException {
    try {
      ready.add(work.prepare(index, document));
    } catch (BadDocumentException | InvalidNameException e) {
      failed(index, document, e.getMessage());
    }
  }

  private void failed(int index, DocumentRef document, String reason) {
    log.debug("{} failed {}: {}", document, stage.dbName(), reason); // the workflow logs it, with the stage
    outcomes[index] = DocumentOutcome.failed(document.id(), reason);
  }

  /** Writes every prepared document in one transaction; returns the outcomes in the batch's order. */
  List<DocumentOutcome> write(SiteRepository repository, Rows<R> rows) {
    if (!ready.isEmpty()) {
      repository.siteTransaction(subdomain, c -> {
        try {
          writeAll(c, repository, rows);
        } catch (SQLException e) {
          if (!refused(e)) {
            throw e;
          }
          log.info("{}: the database refused a document of a {} batch ({}); writing them one by one",
              subdomain, stage.dbName(), reason(e));
          c.rollback();
          SiteRepository.lockSiteRow(c, subdomain);
          writeEach(c, repository, rows);
        }
        return null;
      });
    }
    if (Arrays.stream(outcomes).anyMatch(o -> o == null)) {
      throw new IllegalStateException("a document of the batch has no outcome");
    }
    return List.of(outcomes);
  }

  private void writeAll(Connection c, SiteRepository repository, Rows<R> rows) throws SQLException {
    Map<String, Integer> pages = new LinkedHashMap<>();
    ready.forEach(r -> pages.put(r.document().id(), r.pages()));
    Set<String> marked = repository.markCompleted(c, subdomain, stage, pages);
    List<Ready<R>> written = new ArrayList<>();
    for (Ready<R> r : ready) {
      if (marked.contains(r.document().id())) {
        written.add(r);
      } else {
        sentBack(r.index(), r.document()); // sent back since it was prepared: its rows are not written
      }
    }
    rows.write(c, written);
    written.forEach(r -> outcomes[r.index()] = r.outcome());
  }

  private void writeEach(Connection c, SiteRepository repository, Rows<R> rows) throws SQLException {
    for (Ready<R> r : ready) {
      Savepoint before = c.setSavepoint();
      try {
        if (!repository.markCompleted(c, r.document(), stage, r.pages(), null)) {
          c.rollback(before);
          sentBack(r.index(), r.document());
          continue;
        }
        rows.write(c, List.of(r));
        c.releaseSavepoint(before);
        outcomes[r.index()] = r.outcome();
      } catch (SQLException e) {
        if (!refused(e)) {
          throw e;
        }
        c.rollback(before);
        failed(r.index(), r.document(), "the database refused its rows: " + reason(e));
      }
    }
  }

  /**
   * Whether PostgreSQL refused rows for what they hold, which no retry changes: a data exception
   * (SQLSTATE class 22), a violated constraint (23), a limit exceeded (54, e.g. a page whose words
   * make a tsvector over 1 MB).
   */
  static boolean refused(SQLException e) {
    String state = innermost(e).getSQLState();
    return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
  }

  /** The database's own message (a batch's error wraps it in the statement it was running). */
  static String reason(SQLException e) {
    return innermost(e).getMessage();
  }

  private static SQLException innermost(SQLException e) {
    SQLException inner = e;
    while (inner.getNextException() != null && inner.getNextException() != inner) {
      inner = inner.getNextException();
    }
    return inner;
  }
}
