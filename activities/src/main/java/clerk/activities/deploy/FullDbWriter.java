package clerk.activities.deploy;

import clerk.activities.deploy.MeetingsDb.Document;
import clerk.activities.deploy.MeetingsDb.Scope;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The cross-site database ({@code clerk build-full-db}): every site's published minutes and agendas in
 * one SQLite file, as civic.band builds its own: the site bundle's tables with {@code subdomain} and
 * {@code municipality} columns (ids hashed with them, as civic.band does), FTS declared for Datasette,
 * a {@code metadata.json} beside it. Built like a site's bundle ({@link BundleSync},
 * {@link BundleDirectory}): only documents that changed since the last build are written, and the file
 * readers open is switched in one rename.
 */
public final class FullDbWriter {
  /** Where it goes unless told: {@code DEPLOY_DIR/_all/meetings.db} ("_all" is no site's subdomain). */
  public static Path defaultFile(Path deployDir) {
    return deployDir.resolve("_all").resolve(MeetingsDb.FILE_NAME);
  }

  private static final String C = " COLLATE \"C\"";

  private final BundlePermissions permissions;

  public FullDbWriter(BundlePermissions permissions) {
    this.permissions = permissions;
  }

  public BundleSummary write(DataSource db, Path file, DeployProgress progress) throws IOException {
    return BundleDirectory.lockedFile(file, permissions, bundle -> {
      Path standby = bundle.standby();
      BundleSync.Changes changes;
      MeetingsDb.Totals totals;
      try (Connection pg = db.getConnection()) {
        pg.setAutoCommit(false);
        pg.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        pg.setReadOnly(true);
        try (MeetingsDb meetings = MeetingsDb.openIntact(standby, Scope.ALL_SITES)) {
          changes = new BundleSync(pg, meetings, Scope.ALL_SITES, progress, BundleSync.BATCH_PAGES,
              BundleSync.BULK_AT_LEAST).sync(published(pg));
          totals = meetings.totals();
        } finally {
          pg.rollback(); // read-only: just ends the transaction
        }
      } catch (SQLException e) {
        throw new IOException("cannot build the cross-site database: " + e.getMessage(), e);
      }
      bundle.publish(standby);
      String name = file.getFileName().toString();
      bundle.write(DatasetteMetadata.FILE_NAME,
          DatasetteMetadata.forAllSites(name.endsWith(".db") ? name.substring(0, name.length() - 3) : name));
      return new BundleSummary(totals.documents(), totals.pages(), totals.motions(), bundle.dir(), changes.leftOut(),
          changes.written(), changes.removed());
    });
  }

  /** Every site's published documents, their municipality, and versions that change with its name. */
  private static List<BundleSync.Published> published(Connection pg) throws SQLException {
    List<BundleSync.Published> out = new ArrayList<>();
    try (PreparedStatement s = pg.prepareStatement("SELECT d.subdomain, coalesce(nullif(s.name, ''), d.subdomain),"
        + " d.kind, d.meeting, d.date, " + BundleSync.VERSION + ", coalesce(d.pages, 0)"
        + " FROM documents d JOIN sites s ON s.subdomain = d.subdomain WHERE " + SiteBundleWriter.INCLUDED
        + " ORDER BY d.subdomain" + C + ", d.kind" + C + ", d.meeting" + C + ", d.date" + C)) {
      s.setFetchSize(1000);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          // The municipality is hashed into the ids: a site renamed is written again.
          out.add(new BundleSync.Published(new Document(r.getString(1), r.getString(2), r.getString(3),
              r.getString(4), r.getString(5)), r.getString(6) + ":" + r.getString(2), r.getInt(7)));
        }
      }
    }
    return out;
  }
}
