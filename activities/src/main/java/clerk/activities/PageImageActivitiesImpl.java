package clerk.activities;

import clerk.activities.db.SiteRepository;
import clerk.activities.deploy.BundlePermissions;
import clerk.activities.deploy.CivicIds;
import clerk.activities.deploy.SiteBundleWriter;
import clerk.activities.images.PageImageRenderer;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.DocumentRef;
import clerk.workflows.PageImageActivities;
import io.temporal.activity.Activity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Page images beside each site's bundle, in civic.band's layout ({@code DEPLOY_DIR/{site}/{meeting}/
 * {date}/{n}.png}, agendas under {@code _agendas/}), the path each page's {@code page_image} names.
 * {@code documents.images_from} records which PDF they were rendered from, so an unchanged page is
 * never rendered again; deploy removes a withdrawn document's images with its rows.
 */
public class PageImageActivitiesImpl implements PageImageActivities {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PageImageActivitiesImpl.class);

  /** The document's PDF as the database knows it. */
  static final String PDF_IDENTITY = "coalesce(d.pdf_sha256, d.pdf_size || '/' || d.pdf_mtime, '')";

  private final SiteStorage storage;
  private final SiteRepository repository;
  private final Path deployDir;
  private final BundlePermissions permissions;
  private final PageImageRenderer renderer = new PageImageRenderer();

  public PageImageActivitiesImpl(SiteStorage storage, SiteRepository repository, Path deployDir,
      BundlePermissions permissions) {
    this.storage = storage;
    this.repository = repository;
    this.deployDir = deployDir;
    this.permissions = permissions;
  }

  @Override
  public List<DocumentRef> documentsWithoutImages(int limit) {
    return repository.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT d.subdomain, d.kind, d.meeting, d.date FROM documents d"
          + " WHERE " + SiteBundleWriter.INCLUDED + " AND d.images_from IS DISTINCT FROM " + PDF_IDENTITY
          + " AND d.images_from IS DISTINCT FROM 'failed:' || " + PDF_IDENTITY
          + " ORDER BY d.updated_at, d.subdomain, d.document_id LIMIT ?")) {
        s.setInt(1, limit);
        List<DocumentRef> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(new DocumentRef(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
          }
        }
        return out;
      }
    });
  }

  /** The folder of the document's page images: where its {@code page_image} paths point. */
  public static Path imageDir(Path deployDir, DocumentRef d) {
    String first = CivicIds.pageImage(d.kind(), d.meeting(), d.date(), 1).substring(1);
    return deployDir.resolve(d.subdomain()).resolve(first).getParent();
  }

  @Override
  public int renderPageImages(DocumentRef d) {
    return Failures.badInputIsFinal(() -> {
      String[] before = imagesFrom(d);
      if (before == null) {
        return 0; // the document is gone, or no longer published
      }
      String identity = before[1];
      boolean again = before[0] != null; // rendered from another PDF: every page anew
      Path dir = imageDir(deployDir, d);
      int rendered;
      try (AttemptHeartbeat beat = new AttemptHeartbeat(Activity.getExecutionContext(), "page images " + d, 0)) {
        createDirectories(dir);
        rendered = renderer.render(storage.pdf(d), dir, again, permissions::file, page -> {
          beat.progress(page);
          beat.checkAlive();
        });
      } catch (PageImageRenderer.UnreadablePdfException e) {
        // The PDF's own problem (damaged, an image too large): not tried again until it changes. Any
        // other failure (the disk, the storage) fails the attempt, which is retried.
        log.warn("{}: page images cannot be rendered: {}", d, e.getMessage());
        record(d, identity, "failed:" + identity);
        return 0;
      }
      record(d, identity, identity);
      log.info("{}: {} page images rendered in {}", d, rendered, dir);
      return rendered;
    });
  }

  /** {images_from, PDF identity} of a published document; null when it is not published. */
  private String[] imagesFrom(DocumentRef d) {
    return repository.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT d.images_from, " + PDF_IDENTITY + " FROM documents d"
          + " WHERE d.subdomain = ? AND d.document_id = ? AND " + SiteBundleWriter.INCLUDED)) {
        s.setString(1, d.subdomain());
        s.setString(2, d.id());
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? new String[] {r.getString(1), r.getString(2)} : null;
        }
      }
    });
  }

  /** Records what the images were rendered from, unless the PDF changed meanwhile (then they go again). */
  private void record(DocumentRef d, String identity, String value) {
    repository.transaction(c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE documents d SET images_from = ?"
          + " WHERE d.subdomain = ? AND d.document_id = ? AND " + PDF_IDENTITY + " = ?")) {
        s.setString(1, value);
        s.setString(2, d.subdomain());
        s.setString(3, d.id());
        s.setString(4, identity);
        s.executeUpdate();
      }
      return null;
    });
  }

  /** The folders up to the image folder, each readable as the bundle is. */
  private void createDirectories(Path dir) throws IOException {
    Files.createDirectories(deployDir);
    Path site = dir;
    while (site.getParent() != null && !site.getParent().equals(deployDir)) {
      site = site.getParent();
    }
    for (Path p = site; ; p = p.resolve(dir.getName(p.getNameCount()))) {
      if (!Files.isDirectory(p)) {
        Files.createDirectory(p);
        permissions.directory(p);
      }
      if (p.equals(dir)) {
        return;
      }
    }
  }
}
