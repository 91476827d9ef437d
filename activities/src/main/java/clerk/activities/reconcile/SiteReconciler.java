package clerk.activities.reconcile;

import clerk.activities.UnavailableException;
import clerk.activities.db.DatabaseException;
import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.deploy.SiteBundleWriter;
import clerk.activities.storage.SiteStorage;
import clerk.activities.storage.SiteSurvey;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes one site's database state agree with the filesystem, every stage: documents from the PDFs and
 * text folders on disk ({@link DocumentSync}), compilation from the page rows, deploy from the bundle
 * in DEPLOY_DIR, the counters from the documents, and the stage from the counters. All in one
 * transaction with the site locked, rolled back for a dry run, so a dry run reports exactly what a real
 * run would change.
 */
public final class SiteReconciler {
  private final SiteStorage storage;
  private final SiteRepository repository;
  private final DocumentSync documents;
  private final SiteBundleWriter bundles;
  private final Path deployDir;

  public SiteReconciler(SiteStorage storage, SiteRepository repository, Path deployDir) {
    this(storage, repository, deployDir, new SiteBundleWriter());
  }

  /** With the worker's bundle writer, so a bundle reconciliation writes has the configured permissions. */
  public SiteReconciler(SiteStorage storage, SiteRepository repository, Path deployDir, SiteBundleWriter bundles) {
    this.storage = storage;
    this.repository = repository;
    this.documents = new DocumentSync(storage);
    this.deployDir = deployDir;
    this.bundles = bundles;
  }

  public SiteStorage storage() {
    return storage;
  }

  /**
   * What the site looked like before and after, what the disk holds, and what was repaired.
   *
   * @param stage the stage the counters put the site in ({@link Stage#COMPLETED} when nothing is
   *     left, {@link Stage#FAILED} when every document failed a stage)
   */
  public record Repair(
      SiteRow before,
      SiteRow after,
      Stage stage,
      int pdfs,
      int texts,
      int partial,
      List<String> repairs,
      List<String> problems) {

    public boolean allFailed() {
      return stage == Stage.FAILED;
    }
  }

  /** Thrown when the site cannot be reconciled from its storage (folder missing, unknown site). */
  public static final class CannotReconcile extends RuntimeException {
    public CannotReconcile(String message) {
      super(message);
    }
  }

  public Repair repair(String subdomain, boolean dryRun) {
    return repair(subdomain, dryRun, false, null);
  }

  /**
   * @param register register the site first when the database does not know it (moving a storage
   *     tree in from another system); otherwise an unknown site is an error
   * @param survey a walk of the site's folder already made, or null to walk it now
   */
  public Repair repair(String subdomain, boolean dryRun, boolean register, SiteSurvey survey) {
    try {
      // Never take a missing folder for "no documents": an unmounted volume would wipe the site.
      storage.requireSiteDir(subdomain);
    } catch (UnavailableException e) {
      throw new CannotReconcile(e.getMessage());
    }
    SiteSurvey disk = survey != null ? survey : storage.survey(subdomain);
    int texts = (int) disk.documents().stream().filter(d -> d.text().complete()).count();
    int partial = (int) disk.documents().stream().filter(d -> d.partial() && !d.text().complete()).count();
    boolean[] rewriteEmptyBundle = {false};
    Repair repair;
    try (Connection c = repository.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        if (register) {
          repository.ensureSite(c, subdomain, "");
        }
        SiteRow before = repository.lockSite(c, subdomain);
        if (before == null) {
          throw new CannotReconcile("unknown site " + subdomain + ": add it with 'clerk sites add'");
        }
        List<String> repairs = new ArrayList<>();
        // Counters first: the trigger adds deltas to them, and a delta on a corrupt counter could
        // break the counters' CHECK constraints (a negative ocr_completed, say).
        repository.recountCounters(c, subdomain);
        repairs.addAll(documents.apply(c, subdomain, disk, !dryRun).describe(dryRun));
        note(repairs, repository.resetCompilationWithoutPages(c, subdomain), "compiled document with missing page rows",
            "compiled documents with missing page rows", "sent back to compilation", dryRun);
        repository.recountCounters(c, subdomain);
        Stage stage = repository.site(c, subdomain).derivedStage();
        if (stage.isEnd()) {
          // Only a site with nothing left to do must be published as it is: with work left, the
          // pipeline deploys when it gets there.
          rewriteEmptyBundle[0] = checkBundle(c, subdomain, repairs, dryRun);
          repository.recountCounters(c, subdomain);
          stage = repository.site(c, subdomain).derivedStage();
        }
        if (stage != before.currentStage()) {
          repository.setStage(c, subdomain, stage, endNote(stage, repository.site(c, subdomain)));
        }
        repository.recordStorageCheck(c, subdomain, disk.fingerprint(), disk.problems());
        SiteRow after = repository.site(c, subdomain);
        repairs.addAll(differences(before, after));
        if (dryRun) {
          c.rollback();
        } else {
          c.commit();
        }
        repair = new Repair(before, after, stage, disk.documents().size(), texts, partial,
            List.copyOf(repairs), disk.problems());
      } catch (SQLException | RuntimeException e) {
        SiteRepository.rollback(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
    if (rewriteEmptyBundle[0] && !dryRun) {
      try {
        // Nothing of the site is published any more: no pipeline stage would write that bundle.
        bundles.write(repository.dataSource(), subdomain, deployDir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return repair;
  }

  /**
   * The bundle in DEPLOY_DIR must hold exactly the site's publishable documents, as they are now
   * (fingerprint in its site.json). When it does not, the deployed documents go back to deploy so the
   * pipeline writes it again. Returns true when nothing is publishable any more but a bundle still is
   * there: then the bundle is rewritten empty here.
   */
  private boolean checkBundle(Connection c, String subdomain, List<String> repairs, boolean dryRun)
      throws SQLException {
    String onDisk = SiteBundleWriter.fingerprintOnDisk(deployDir, subdomain);
    String expected = SiteBundleWriter.fingerprints(c, List.of(subdomain)).get(subdomain);
    if (onDisk == null) {
      note(repairs, repository.resetDeploy(c, subdomain), "deployed document without a bundle in DEPLOY_DIR",
          "deployed documents without a bundle in DEPLOY_DIR", "sent back to deploy", dryRun);
      return false;
    }
    if (onDisk.equals(expected)) {
      return false;
    }
    int sent = repository.resetDeploy(c, subdomain);
    if (sent > 0) {
      repairs.add("bundle in DEPLOY_DIR is not the site's documents as they are now: "
          + Finding.of(sent, "document", "documents", "sent back to deploy", dryRun));
      return false;
    }
    if (expected.equals(SiteBundleWriter.EMPTY_FINGERPRINT)) {
      repairs.add(Finding.done("bundle in DEPLOY_DIR still publishes documents the site no longer has:",
          "rewritten empty", dryRun));
      return true;
    }
    return false;
  }

  private static String endNote(Stage stage, SiteRow row) {
    if (stage == Stage.COMPLETED) {
      return "completed: every document done, found by reconciliation";
    }
    if (stage == Stage.FAILED) {
      return row.failedNote();
    }
    return null;
  }

  private static void note(List<String> repairs, int count, String one, String many, String done, boolean dryRun) {
    if (count > 0) {
      repairs.add(Finding.of(count, one, many, done, dryRun));
    }
  }

  /** Each counter and the stage that changed, as "what: before → after". */
  static List<String> differences(SiteRow before, SiteRow after) {
    List<String> out = new ArrayList<>();
    if (before.currentStage() != after.currentStage()) {
      out.add("current_stage: " + name(before.currentStage()) + " → " + name(after.currentStage()));
    }
    for (Stage s : Stage.PIPELINE) {
      StageCounters b = before.counters(s);
      StageCounters a = after.counters(s);
      counter(out, s.dbName() + "_total", b.total(), a.total());
      counter(out, s.dbName() + "_completed", b.completed(), a.completed());
      counter(out, s.dbName() + "_failed", b.failed(), a.failed());
    }
    return out;
  }

  private static void counter(List<String> out, String name, int before, int after) {
    if (before != after) {
      out.add(name + ": " + before + " → " + after);
    }
  }

  private static String name(Stage stage) {
    return stage == null ? "none" : stage.dbName();
  }
}
