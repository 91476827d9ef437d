package clerk.worker;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded defaults: a real PostgreSQL server (data kept under CLERK_HOME so it survives restarts)
 * and Temporal's own Java test server, both on loopback. Started only for what is not configured.
 */
public final class EmbeddedServices implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedServices.class);

  private final EmbeddedPostgres postgres;
  private final TestServicesStarter temporal;
  private final Server temporalServer;
  private final ClerkSettings settings;

  private EmbeddedServices(
      EmbeddedPostgres postgres, TestServicesStarter temporal, Server temporalServer, ClerkSettings settings) {
    this.postgres = postgres;
    this.temporal = temporal;
    this.temporalServer = temporalServer;
    this.settings = settings;
  }

  /** Starts what the settings leave unconfigured; the result's settings name every service. */
  public static EmbeddedServices start(ClerkSettings settings, boolean database, boolean temporal) {
    EmbeddedPostgres pg = null;
    String dbUrl = settings.databaseUrl();
    if (database && dbUrl == null) {
      pg = startPostgres(settings.home().resolve("postgres"), settings.embeddedDatabasePort());
      dbUrl = pg.getJdbcUrl("postgres", "postgres");
    }
    TestServicesStarter starter = null;
    Server server = null;
    String address = settings.temporalAddress();
    if (temporal && address == null) {
      // Temporal's Java test server with time skipping locked: real timers, real retries, real
      // timeouts (unlocked, it jumps the clock whenever it is idle and fires cron runs back to back).
      starter = new TestServicesStarter(true, 0);
      // Loopback only: the embedded server has no authentication.
      ServerBuilder<?> builder = NettyServerBuilder.forAddress(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.embeddedTemporalPort()));
      GRPCServerHelper.registerServicesAndHealthChecks(starter.getServices(), builder);
      try {
        server = builder.build().start();
      } catch (IOException e) {
        starter.close();
        throw new UncheckedIOException("cannot start the embedded Temporal server on 127.0.0.1:"
            + settings.embeddedTemporalPort() + " (is another clerk worker running? set TEMPORAL_ADDRESS"
            + " or CLERK_EMBEDDED_TEMPORAL_PORT)", e);
      }
      address = "127.0.0.1:" + server.getPort();
      log.info("embedded Temporal server listening on {}", address);
    }
    return new EmbeddedServices(pg, starter, server, settings.withServices(dbUrl, address));
  }

  private static EmbeddedPostgres startPostgres(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir.getParent());
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .start();
      log.info("embedded PostgreSQL on port {} with data in {}", pg.getPort(), dataDir);
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL server in " + dataDir
          + " on port " + port + " (is another clerk worker running? set CLERK_DATABASE_URL or"
          + " CLERK_EMBEDDED_DATABASE_PORT)", e);
    }
  }

  /** The settings with the embedded services' addresses filled in. */
  public ClerkSettings settings() {
    return settings;
  }

  public boolean embeddedTemporal() {
    return temporalServer != null;
  }

  @Override
  public void close() {
    if (temporalServer != null) {
      temporalServer.shutdownNow();
      temporal.close();
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        log.warn("stopping embedded PostgreSQL: {}", e.getMessage());
      }
    }
  }
}
