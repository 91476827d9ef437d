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
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
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
  private final FileLock postgresOwner;
  private final TestServicesStarter temporal;
  private final Server temporalServer;
  private final ClerkSettings settings;
  private EmbeddedTemporalRetention retention;

  private EmbeddedServices(
      EmbeddedPostgres postgres,
      FileLock postgresOwner, TestServicesStarter temporal, Server temporalServer, ClerkSettings settings) {
    this.postgres = postgres;
    this.postgresOwner = postgresOwner;
    this.temporal = temporal;
    this.temporalServer = temporalServer;
    this.settings = settings;
  }

  /** Starts what the settings leave unconfigured; the result's settings name every service. */
  public static EmbeddedServices start(ClerkSettings settings, boolean database, boolean temporal) {
    EmbeddedPostgres pg = null;
    FileLock owner = null;
    String dbUrl = settings.databaseUrl();
    if (database && dbUrl == null) {
      Path dataDir = settings.home().resolve("postgres");
      owner = own(dataDir);
      try {
        pg = startPostgres(dataDir, settings.embeddedDatabasePort());
      } catch (RuntimeException e) {
        release(owner);
        throw e;
      }
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
        new EmbeddedServices(pg, owner, null, null, settings).close();
        throw new UncheckedIOException("cannot start the embedded Temporal server on 127.0.0.1:"
            + settings.embeddedTemporalPort() + " (is another clerk worker running? set TEMPORAL_ADDRESS"
            + " or CLERK_EMBEDDED_TEMPORAL_PORT)", e);
      }
      address = "127.0.0.1:" + server.getPort();
      log.info("embedded Temporal server listening on {}", address);
    }
    EmbeddedServices started = new EmbeddedServices(pg, owner, starter, server, settings.withServices(dbUrl, address));
    if (starter != null) {
      // Closed runs would otherwise stay in this process's heap for as long as it lives.
      started.retention = EmbeddedTemporalRetention.start(starter, EmbeddedTemporalRetention.DEFAULT);
    }
    return started;
  }

  private static EmbeddedPostgres startPostgres(Path dataDir, int port) {
    try {
      stopOrphanedPostgres(dataDir);
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

  /**
   * Marks this process as the owner of the embedded server's data directory, for as long as it runs:
   * the operating system releases the lock when the process dies, however it dies.
   */
  private static FileLock own(Path dataDir) {
    try {
      Files.createDirectories(dataDir.getParent());
      Path lockFile = dataDir.resolveSibling(dataDir.getFileName() + ".lock");
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new IllegalStateException("another clerk process is using the embedded PostgreSQL in "
            + dataDir + " (is a clerk worker running? 'clerk status' talks to it)");
      }
      return lock;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void release(FileLock lock) {
    try {
      lock.channel().close();
    } catch (IOException e) {
      log.warn("releasing {}: {}", lock, e.getMessage());
    }
  }

  /**
   * A worker killed with SIGKILL leaves its PostgreSQL server running on the data directory (systemd
   * kills the whole unit, a shell does not). Such a server has no clients left: stop it, so this start
   * can use the data directory. A server of a live process is never touched: that process holds the
   * lock taken by {@link #own}.
   */
  static void stopOrphanedPostgres(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    } catch (RuntimeException e) {
      return; // not a pid file we understand: let PostgreSQL itself complain
    }
    ProcessHandle postgres = ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false))
        .orElse(null);
    if (postgres == null) {
      return;
    }
    log.warn("stopping PostgreSQL (pid {}) left running on {} by a clerk process that was killed", pid, dataDir);
    postgres.destroy(); // SIGTERM: PostgreSQL's smart shutdown
    try {
      postgres.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      postgres.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e);
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
    if (retention != null) {
      retention.close();
    }
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
      release(postgresOwner);
    }
  }
}
