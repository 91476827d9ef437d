package clerk.cli;

import clerk.activities.db.Database;
import clerk.activities.db.SiteRepository;
import clerk.activities.storage.SiteStorage;
import clerk.client.ClerkSettings;
import clerk.client.EmbeddedDatabase;
import clerk.client.PasswordFile;
import clerk.workflows.Pipelines;
import clerk.client.RuntimeFile;
import clerk.client.TemporalConnection;
import com.zaxxer.hikari.HikariDataSource;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import clerk.activities.db.SiteRow;

/**
 * The database and Temporal a command talks to: the configured ones, else those of the worker running
 * on this CLERK_HOME (from its worker.json), else, for the database only, the embedded server started
 * just for this command.
 */
final class Services implements AutoCloseable {
  private final ClerkSettings settings;
  private final Optional<RuntimeFile.Worker> worker;
  private EmbeddedDatabase embedded;
  private HikariDataSource dataSource;
  private WorkflowServiceStubs stubs;

  Services(ClerkSettings settings) {
    this.settings = settings;
    this.worker = RuntimeFile.running(settings);
  }

  ClerkSettings settings() {
    return settings;
  }

  SiteStorage storage() {
    return new SiteStorage(settings.storageDir());
  }

  SiteRepository repository() {
    if (dataSource == null) {
      ClerkSettings db = database();
      dataSource = Database.connect(db.databaseUrl(), db.databaseUser(), db.databasePassword(), 2);
      // A running worker migrated the schema when it started; otherwise this command does it.
      if (worker.isEmpty()) {
        Database.migrate(dataSource);
      }
    }
    return new SiteRepository(dataSource);
  }

  /**
   * The settings with the database to use: the configured one, else the running worker's (its
   * embedded server's password read from the file worker.json names), else an embedded one of our own.
   */
  private ClerkSettings database() {
    if (settings.databaseUrl() != null) {
      return settings;
    }
    if (worker.isPresent()) {
      RuntimeFile.Worker w = worker.get();
      String password = w.databasePasswordFile() == null
          ? settings.databasePassword() : PasswordFile.read(Path.of(w.databasePasswordFile()));
      return settings.withDatabase(w.databaseUrl(), w.databaseUser(), password);
    }
    try {
      embedded = EmbeddedDatabase.start(settings.home(), settings.embeddedDatabasePort());
    } catch (EmbeddedDatabase.InUseException e) {
      // A worker holds it but has not written worker.json: it is starting (or another command runs).
      throw new CliException(3, "the embedded PostgreSQL in " + settings.home()
          + " is in use by another clerk process, most likely a worker that is still starting:"
          + " try again when it is ready");
    }
    return settings.withDatabase(embedded.jdbcUrl(), embedded.user(), embedded.password());
  }

  /** Temporal is needed to start or ask pipelines; there is no point in an embedded one here. */
  WorkflowClient client() {
    if (stubs == null) {
      String address = settings.temporalAddress();
      if (address == null && worker.isPresent()) {
        address = worker.get().temporalAddress();
      }
      if (address == null) {
        throw new CliException(3, "no clerk worker is running on " + settings.home()
            + " and TEMPORAL_ADDRESS is not set: start one with 'clerk worker'");
      }
      stubs = WorkflowServiceStubs.newServiceStubs(TemporalConnection.options(settings.withTemporal(address)));
    }
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(settings.namespace()).build());
  }

  /** Whether Temporal can be reached without starting anything. */
  boolean hasTemporal() {
    return settings.temporalAddress() != null || worker.isPresent();
  }

  /**
   * The sites a command acts on: the named ones (each a valid, registered subdomain, else exit 4), or
   * with {@code all} every registered site that {@code wanted} accepts. Exactly one of the two forms.
   */
  List<String> sites(List<String> named, boolean all, Predicate<SiteRow> wanted) {
    if (all == !named.isEmpty()) {
      throw new CliException(2, "give either site subdomains or --all");
    }
    SiteRepository repository = repository();
    if (all) {
      return repository.sites().stream().filter(wanted).map(SiteRow::subdomain).toList();
    }
    for (String s : named) {
      SiteStorage.validateSubdomain(s);
      if (!repository.siteExists(s)) {
        throw new CliException(4, "unknown site " + s + ": add it with 'clerk sites add " + s + "'");
      }
    }
    return List.copyOf(named);
  }

  Pipelines pipelines() {
    return new Pipelines(client(), settings.taskQueue(), settings.siteOcrAtOnce());
  }

  @Override
  public void close() {
    if (stubs != null) {
      stubs.shutdown();
    }
    if (dataSource != null) {
      dataSource.close();
    }
    if (embedded != null) {
      embedded.close();
    }
  }
}
