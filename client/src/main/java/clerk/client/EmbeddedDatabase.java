package clerk.client;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * clerk's own PostgreSQL server: a real one (zonky's binaries), data kept in {@code CLERK_HOME/postgres}
 * so it survives restarts, listening on 127.0.0.1 only, with no Unix socket, and every connection must
 * give the password of {@link PasswordFile} (SCRAM): without that any local account would be a
 * superuser, and a superuser runs programs as the server's user ({@code COPY … TO PROGRAM}).
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  /** The superuser initdb creates; clerk uses it for everything (it is the only user of this server). */
  public static final String USER = "postgres";

  /** The access rules: password over loopback TCP, nothing else. Rewritten at every start. */
  static final String PG_HBA = """
      # Written by clerk at every start of its embedded PostgreSQL (clerk.client.EmbeddedDatabase):
      # a password (SCRAM) over loopback TCP and nothing else. The server listens on 127.0.0.1 only
      # and has no Unix socket. The password is in CLERK_HOME/postgres.password (mode 0600).
      host all all 127.0.0.1/32 scram-sha-256
      """;
  /** Only while an existing data directory gets its first password: loopback, no password. */
  private static final String PG_HBA_UNTIL_PASSWORD_SET = """
      # clerk: temporary, while the superuser of a data directory from before passwords gets one.
      host all all 127.0.0.1/32 trust
      """;

  private final Path dataDir;
  private final int port;
  private final String password;
  private final FileLock owner;
  private volatile EmbeddedPostgres server;

  private EmbeddedDatabase(Path dataDir, int port, String password, FileLock owner, EmbeddedPostgres server) {
    this.dataDir = dataDir;
    this.port = port;
    this.password = password;
    this.owner = owner;
    this.server = server;
  }

  /** Another clerk process holds the data directory: a worker (perhaps still starting) or a command. */
  public static final class InUseException extends IllegalStateException {
    InUseException(Path dataDir) {
      super("another clerk process is using the embedded PostgreSQL in " + dataDir
          + " (is a clerk worker running? 'clerk status' talks to it)");
    }
  }

  /** Starts the server on {@code home/postgres}, creating it (and its password) at the first start. */
  public static EmbeddedDatabase start(Path home, int port) {
    Path dataDir = home.resolve("postgres");
    FileLock owner = own(dataDir);
    try {
      Path passwordFile = passwordFile(home);
      boolean hadPassword = Files.exists(passwordFile);
      String password = PasswordFile.readOrCreate(passwordFile);
      stopOrphanedPostgres(dataDir);
      EmbeddedPostgres server;
      if (!Files.exists(dataDir.resolve("postgresql.conf"))) {
        server = start(dataDir, port, password, PG_HBA, passwordFile);
      } else if (hadPassword && PG_HBA.equals(read(dataDir.resolve("pg_hba.conf")))) {
        server = start(dataDir, port, password, PG_HBA, null);
      } else {
        server = upgrade(dataDir, port, password);
      }
      log.info("embedded PostgreSQL on 127.0.0.1:{} with data in {} (password in {})", port, dataDir, passwordFile);
      return new EmbeddedDatabase(dataDir, port, password, owner, server);
    } catch (RuntimeException e) {
      release(owner);
      throw e;
    }
  }

  /** Where the password of the embedded server on {@code home} is kept. */
  public static Path passwordFile(Path home) {
    return home.resolve("postgres.password");
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public String user() {
    return USER;
  }

  public String password() {
    return password;
  }

  /**
   * Whether the server is gone: nothing accepts connections on its port (its process died; a killed
   * process's listening socket closes with it). A server that is alive but does not answer (stopped,
   * overloaded) is not gone: it is waited for, as an outage is.
   */
  public boolean gone() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return false;
    } catch (ConnectException refused) {
      return true;
    } catch (IOException slow) {
      return false;
    }
  }

  /**
   * Starts the server again on the same data directory, port and password, so the worker's pool
   * reconnects by itself. Fails while the dead server's processes still hold its shared memory (they
   * notice their postmaster's death and exit within moments): the caller tries again.
   */
  public synchronized void restart() {
    stop(server); // releases zonky's lock on the data directory; pg_ctl's complaint about the dead server is logged
    stopOrphanedPostgres(dataDir); // a server an earlier, failed attempt left starting
    server = start(dataDir, port, password, PG_HBA, null);
    log.info("embedded PostgreSQL restarted on 127.0.0.1:{}", port);
  }

  /**
   * A data directory from before passwords (initdb's "trust" for every local connection): started
   * once with loopback trust, the superuser given the password, then the rules tightened and reloaded.
   * Only this one start is open, for the seconds it takes; every later one requires the password.
   */
  private static EmbeddedPostgres upgrade(Path dataDir, int port, String password) {
    log.warn("embedded PostgreSQL in {}: setting its superuser's password and requiring it from now on", dataDir);
    EmbeddedPostgres server = start(dataDir, port, null, PG_HBA_UNTIL_PASSWORD_SET, null);
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, "")) {
      try (Statement s = c.createStatement()) {
        // ALTER ROLE takes no bind parameters; the password is base64url, nothing to escape.
        s.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
      }
      write(dataDir.resolve("pg_hba.conf"), PG_HBA);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_reload_conf()");
      }
      return server;
    } catch (SQLException | RuntimeException e) {
      stop(server);
      throw new IllegalStateException("cannot set the password of the embedded PostgreSQL in " + dataDir, e);
    }
  }

  /**
   * @param pwfile for a new data directory: initdb gives the superuser this file's password
   */
  private static EmbeddedPostgres start(Path dataDir, int port, String password, String pgHba, Path pwfile) {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("listen_addresses", "127.0.0.1")
        // No Unix socket: every connection is TCP on loopback and checked against pg_hba.conf.
        .setServerConfig("unix_socket_directories", "")
        .setServerConfig("password_encryption", "scram-sha-256")
        // zonky's defaults are a test's: fsync off (its -F, overridden by this later -c) and
        // asynchronous commit, which lose the last commits when the server dies (a committed site row
        // gone after a SIGKILLed postmaster, seen) and risk the whole database when the machine does.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        // Written after initdb and before the server starts: it never runs with initdb's "trust".
        .setDataDirectoryCustomizer(dir -> write(dir.toPath().resolve("pg_hba.conf"), pgHba));
    if (password != null) {
      builder.setConnectConfig("password", password);
    }
    if (pwfile != null) {
      // zonky passes its "locale" settings to initdb as --key=value: the only way to hand it --pwfile.
      builder.setLocaleConfig("pwfile", pwfile.toString());
    }
    try {
      return builder.start();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot start the embedded PostgreSQL server in " + dataDir
          + " on port " + port + " (is another clerk worker running? set CLERK_DATABASE_URL or"
          + " CLERK_EMBEDDED_DATABASE_PORT): " + e.getMessage(), e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Marks this process as the owner of the data directory, for as long as it runs: the operating
   * system releases the lock when the process dies, however it dies.
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
        throw new InUseException(dataDir);
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
  static void stopOrphanedPostgres(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    } catch (IOException | RuntimeException e) {
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
      postgres.onExit().get(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      postgres.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void stop(EmbeddedPostgres server) {
    try {
      server.close();
    } catch (IOException e) {
      log.warn("stopping embedded PostgreSQL: {}", e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    stop(server);
    release(owner);
  }

  @Override
  public String toString() {
    return "embedded PostgreSQL on 127.0.0.1:" + port + " (" + dataDir + ")";
  }
}
