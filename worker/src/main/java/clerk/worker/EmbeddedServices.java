package clerk.worker;

import clerk.client.EmbeddedDatabase;
import clerk.client.ClerkSettings;
import io.grpc.Server;
import io.grpc.ServerBuilder;
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
  private final ClerkSettings settings;
  private final EmbeddedSupervisor supervisor;
  private EmbeddedTemporalRetention retention;

  private EmbeddedServices(
      EmbeddedDatabase database, TestServicesStarter temporal, Server temporalServer, ClerkSettings settings) {
    this.database = database;
    this.temporal = temporal;
    this.temporalServer = temporalServer;
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
      started = started.withTemporal("127.0.0.1:" + server.getPort());
      log.info("embedded Temporal server listening on {}", started.temporalAddress());
    }
    EmbeddedServices services = new EmbeddedServices(db, starter, server, started);
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

  @Override
  public void close() {
    supervisor.close();
    if (retention != null) {
      retention.close();
    }
    if (temporalServer != null) {
      temporalServer.shutdownNow();
      temporal.close();
    }
    if (database != null) {
      database.close();
    }
  }
}
