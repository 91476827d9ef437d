package clerk.activities.reconcile;

import clerk.activities.UnavailableException;
import clerk.activities.db.DatabaseException;
import clerk.activities.db.SiteRepository;
import clerk.activities.db.SiteRow;
import clerk.activities.deploy.SiteBundleWriter;
import clerk.activities.storage.SiteStorage;
import clerk.workflows.DocumentRef;
import clerk.workflows.Stage;
import clerk.workflows.StageCounters;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes one site's database state agree with the filesystem, every stage: documents and their OCR
 * status from the PDFs and text folders on disk, compilation from the page rows, deploy from the
 * bundle, the counters from the documents, and the stage from the counters. All in one transaction,
 * rolled back for a dry run, so a dry run reports exactly what a real run would change.
 */
public final class SiteReconciler {
  private static final List<Stage> STAGES =
      List.of(Stage.OCR, Stage.COMPILATION, Stage.EXTRACTION, Stage.DEPLOY);

  private final SiteStorage storage;
  private final SiteRepository repository;
  private final Path deployDir;

  public SiteReconciler(SiteStorage storage, SiteRepository repository, Path deployDir) {
    this.storage = storage;
    this.repository = repository;
    this.deployDir = deployDir;
  }

  /**
   * What the site looked like before and after, what the disk holds, and what was repaired.
   *
   * @param stage the stage the counters say the site is in ({@link Stage#COMPLETED} when nothing is
   *     left); when {@code allFailed}, the stage in which every document failed
   */
  public record Repair(
      SiteRow before,
      SiteRow after,
      Stage stage,
      boolean allFailed,
      int pdfs,
      int texts,
      int partial,
      List<String> repairs,
      List<String> problems) {}

  /** Thrown when the site cannot be reconciled from its storage (folder missing, unknown site). */
  public static final class CannotReconcile extends RuntimeException {
    public CannotReconcile(String message) {
      super(message);
    }
  }

  public Repair repair(String subdomain, boolean dryRun) {
    return repair(subdomain, dryRun, false);
  }

  /**
   * @param register register the site first when the database does not know it (moving a storage
   *     tree in from another system); otherwise an unknown site is an error
   */
  public Repair repair(String subdomain, boolean dryRun, boolean register) {
    try {
      // Never take a missing folder for "no documents": an unmounted volume would wipe the site.
      storage.requireSiteDir(subdomain);
    } catch (UnavailableException e) {
      throw new CannotReconcile(e.getMessage());
    }
    SiteStorage.Scan scan = storage.scan(subdomain);
    Map<String, Integer> textPages = new HashMap<>();
    int partial = 0;
    for (DocumentRef d : scan.documents()) {
      int pages = storage.textPageCount(d);
      if (pages > 0) {
        textPages.put(d.id(), pages);
      } else if (storage.hasPartialText(d)) {
        partial++;
      }
    }
    int partialDocuments = partial;
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
        SiteRepository.Sync sync = repository.syncDocuments(c, subdomain, scan.documents(), textPages);
        note(repairs, sync.registered(), "PDF(s) on disk registered");
        note(repairs, sync.textFound(), "document(s) with complete text on disk marked OCR completed");
        note(repairs, sync.textLost(), "document(s) whose text is missing sent back to OCR");
        note(repairs, sync.removed(), "document(s) whose PDF is gone removed");
        note(repairs, repository.resetCompilationWithoutPages(c, subdomain),
            "compiled document(s) with missing page rows sent back to compilation");
        if (!SiteBundleWriter.isDeployed(deployDir, subdomain)) {
          note(repairs, repository.resetDeploy(c, subdomain),
              "deployed document(s) without a bundle in DEPLOY_DIR sent back to deploy");
        }
        repository.recountCounters(c, subdomain);
        SiteRow recounted = repository.site(c, subdomain);
        Stage stage = Stage.COMPLETED;
        boolean allFailed = false;
        for (Stage s : STAGES) {
          StageCounters counters = recounted.counters(s);
          if (!counters.finished()) {
            stage = s;
            break;
          }
          if (counters.completed() == 0 && counters.failed() > 0) {
            stage = s;
            allFailed = true;
            break;
          }
        }
        if (stage != before.currentStage()) {
          repository.setStage(c, subdomain, stage,
              stage == Stage.COMPLETED ? "completed: every document done, found by reconciliation" : null);
        }
        SiteRow after = repository.site(c, subdomain);
        repairs.addAll(differences(before, after));
        if (dryRun) {
          c.rollback();
        } else {
          c.commit();
        }
        return new Repair(before, after, stage, allFailed, scan.documents().size(), textPages.size(),
            partialDocuments, List.copyOf(repairs), scan.problems());
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
  }

  private static void note(List<String> repairs, int count, String what) {
    if (count > 0) {
      repairs.add(count + " " + what);
    }
  }

  /** Each counter and the stage that changed, as "what: before → after". */
  static List<String> differences(SiteRow before, SiteRow after) {
    List<String> out = new ArrayList<>();
    if (before.currentStage() != after.currentStage()) {
      out.add("current_stage: " + name(before.currentStage()) + " → " + name(after.currentStage()));
    }
    for (Stage s : STAGES) {
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
