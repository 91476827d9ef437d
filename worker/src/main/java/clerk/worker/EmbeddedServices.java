package clerk.worker;

import clerk.client.EmbeddedDatabase;
import clerk.client.ClerkSettings;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded defaults: clerk's own PostgreSQL server ({@link EmbeddedDatabase}) and Temporal's own
 * Java test server, both on loopback. Started only for what is not configured.
 */
public final class EmbeddedServices implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedServices.class);

  private final EmbeddedDatabase database;
  private final TestServicesStarter temporal;
  private final Server temporalServer;
  /** The same Temporal services for this process's own client, without Netty or HTTP/2; null when not embedded. */
  private final Server inProcessServer;
  private final ClerkSettings settings;
  private final EmbeddedSupervisor supervisor;
  private EmbeddedTemporalRetention retention;

  private EmbeddedServices(EmbeddedDatabase database, TestServicesStarter temporal, Server temporalServer,
      Server inProcessServer, ClerkSettings settings) {
    this.database = database;
    this.temporal = temporal;
    this.temporalServer = temporalServer;
    this.inProcessServer = inProcessServer;
    this.settings = settings;
    this.supervisor = new EmbeddedSupervisor(database, temporalServer, EmbeddedSupervisor.SYSTEM_EXIT,
        InstantSource.system());
  }

  /**
   * From now on a dead embedded PostgreSQL is started again, and a lost one or a stopped embedded
   * Temporal server ends the process non-zero (a worker's; a CLI command's services are not watched).
   */
  public void supervise() {
    supervisor.start();
  }

  /** Starts what the settings leave unconfigured; the result's settings name every service. */
  public static EmbeddedServices start(ClerkSettings settings, boolean database, boolean temporal) {
    EmbeddedDatabase db = null;
    ClerkSettings started = settings;
    if (database && settings.databaseUrl() == null) {
      db = EmbeddedDatabase.start(settings.home(), settings.embeddedDatabasePort());
      started = started.withDatabase(db.jdbcUrl(), db.user(), db.password());
    }
    TestServicesStarter starter = null;
    Server server = null;
    Server inProcess = null;
    if (temporal && settings.temporalAddress() == null) {
      // Temporal's Java test server with time skipping locked: real timers, real retries, real
      // timeouts (unlocked, it jumps the clock whenever it is idle and fires cron runs back to back).
      starter = new TestServicesStarter(true, 0);
      // Loopback only: the embedded server has no authentication (docs/operations.md).
      ServerBuilder<?> builder = NettyServerBuilder.forAddress(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.embeddedTemporalPort()))
          // The SDK's clients ping every 30 s (ServiceStubsOptions' keepAliveTime, never under 10 s),
          // with or without calls; Netty's defaults (one ping in 5 min, none without calls) answer
          // that with GOAWAY too_many_pings, dropping the worker's connection under load.
          .permitKeepAliveTime(5, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true);
      GRPCServerHelper.registerServicesAndHealthChecks(starter.getServices(), builder);
      try {
        server = builder.build().start();
      } catch (IOException e) {
        starter.close();
        if (db != null) {
          db.close();
        }
        throw new UncheckedIOException("cannot start the embedded Temporal server on 127.0.0.1:"
            + settings.embeddedTemporalPort() + " (is another clerk worker running? set TEMPORAL_ADDRESS"
            + " or CLERK_EMBEDDED_TEMPORAL_PORT)", e);
      }
      // The worker in this process talks to the server in memory (grpc's in-process transport hands
      // the request objects over, no serialization, no HTTP/2): the loopback port stays for the CLI.
      ServerBuilder<?> local = InProcessServerBuilder.forName(inProcessName(server.getPort()));
      GRPCServerHelper.registerServicesAndHealthChecks(starter.getServices(), local);
      try {
        inProcess = local.build().start();
      } catch (IOException e) {
        server.shutdownNow();
        starter.close();
        if (db != null) {
          db.close();
        }
        throw new UncheckedIOException("cannot start the embedded Temporal server in memory", e);
      }
      started = started.withTemporal("127.0.0.1:" + server.getPort());
      log.info("embedded Temporal server listening on {}", started.temporalAddress());
    }
    EmbeddedServices services = new EmbeddedServices(db, starter, server, inProcess, started);
    if (starter != null) {
      // Closed runs would otherwise stay in this process's heap for as long as it lives.
      services.retention = EmbeddedTemporalRetention.start(starter, EmbeddedTemporalRetention.DEFAULT);
    }
    return services;
  }

  /** The settings with the embedded services' addresses (and the database's password) filled in. */
  public ClerkSettings settings() {
    return settings;
  }

  /** Where the embedded database's password is kept; null when the database is configured. */
  public Path databasePasswordFile() {
    return database == null ? null : EmbeddedDatabase.passwordFile(settings.home());
  }

  public boolean embeddedTemporal() {
    return temporalServer != null;
  }

  /** The in-process name of the embedded Temporal server, for a client in this process; null when not embedded. */
  public String temporalInProcessName() {
    return temporalServer == null ? null : inProcessName(temporalServer.getPort());
  }

  private static String inProcessName(int port) {
    return "clerk-embedded-temporal-" + port;
  }

  @Override
  public void close() {
    supervisor.close();
    if (retention != null) {
      retention.close();
    }
    if (temporalServer != null) {
      inProcessServer.shutdownNow();
      temporalServer.shutdownNow();
      temporal.close();
    }
    if (database != null) {
      database.close();
    }
  }
}
