package clerk.cli;

import clerk.activities.deploy.BundleSummary;
import clerk.activities.deploy.FullDbWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "build-full-db",
    mixinStandardHelpOptions = true,
    description = {
      "Builds the cross-site database: every site's published pages in one SQLite file.",
      "Minutes and agendas with subdomain and municipality columns and full-text search, ready for"
          + " Datasette (a metadata.json is written beside it). Only what changed since the last build is"
          + " written; the file is switched to in one rename, so it can be served while it is rebuilt."
    })
final class BuildFullDbCommand implements Callable<Integer> {
  @Option(names = "--output", paramLabel = "PATH",
      description = "the database file (default: DEPLOY_DIR/_all/meetings.db)")
  Path output;

  @Override
  public Integer call() throws Exception {
    try (Services services = new Services(ClerkCli.settings())) {
      Path file = output != null ? output.toAbsolutePath().normalize()
          : FullDbWriter.defaultFile(services.settings().deployDir());
      long started = System.nanoTime();
      BundleSummary s = new FullDbWriter(services.settings().bundlePermissions())
          .write(services.repository().dataSource(), file, (written, toWrite) -> {
            if (toWrite > 0) {
              System.err.printf("\r%,d of %,d documents written", written, toWrite);
            }
          });
      System.err.println();
      System.out.printf("%s: %,d documents, %,d pages, %,d motions (%,d documents written, %,d removed) in %.1f s%n",
          file, s.documents(), s.pages(), s.motions(), s.written(), s.removed(), (System.nanoTime() - started) / 1e9);
      s.leftOut().forEach(d -> System.out.println("  left out: " + d.documentId() + ": " + d.reason()));
      return s.leftOut().isEmpty() ? 0 : 1;
    }
  }
}
