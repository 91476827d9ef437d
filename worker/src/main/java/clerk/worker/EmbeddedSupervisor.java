package clerk.worker;

import clerk.client.EmbeddedDatabase;
import io.grpc.Server;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the worker's embedded services alive, every second. A PostgreSQL server that died is started
 * again in place (same data directory, port and password: the pool reconnects and the pipelines,
 * which wait out an unreachable database, go on). One that cannot be started again within
 * {@link #GIVE_UP_AFTER}, or a Temporal server that stopped (its state lived in this process, so a new
 * one would know nothing), ends the worker with {@link #EXIT_SERVICE_LOST}: systemd starts it again
 * and its start-up reconciliation restarts every unfinished site.
 */
final class EmbeddedSupervisor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedSupervisor.class);
  static final Duration CHECK_EVERY = Duration.ofSeconds(1);
  static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);
  /** The worker's exit status when an embedded service is lost for good (the CLI's "cannot reach"). */
  static final int EXIT_SERVICE_LOST = 3;

  /** How the worker ends: {@link System#exit} in production, something a test can see in tests. */
  interface Exit {
    void exit(int status, String why);
  }

  private final EmbeddedDatabase database;
  private final Server temporal;
  private final Exit exit;
  private final InstantSource clock;
  private ScheduledExecutorService timer;
  private Instant databaseGoneSince;
  private boolean exited;

  /**
   * @param database null when the database is not embedded
   * @param temporal null when Temporal is not embedded
   */
  EmbeddedSupervisor(EmbeddedDatabase database, Server temporal, Exit exit, InstantSource clock) {
    this.database = database;
    this.temporal = temporal;
    this.exit = exit;
    this.clock = clock;
  }

  /** Ends the process on a thread of its own, so the shutdown hook can stop this supervisor freely. */
  static final Exit SYSTEM_EXIT = (status, why) -> {
    log.error("{}: the worker exits with status {} to be started again", why, status);
    new Thread(() -> System.exit(status), "clerk-exit").start();
  };

  synchronized void start() {
    if (timer == null && (database != null || temporal != null)) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "clerk-embedded-supervisor");
        t.setDaemon(true);
        return t;
      });
      timer.scheduleWithFixedDelay(this::checkQuietly, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  private void checkQuietly() {
    try {
      check();
    } catch (RuntimeException e) {
      log.warn("checking the embedded services: {}", e.toString()); // a thrown task would end the timer
    }
  }

  /** One round: what is dead is restarted, or the worker ends. */
  synchronized void check() {
    if (exited) {
      return;
    }
    if (temporal != null && (temporal.isShutdown() || temporal.isTerminated())) {
      exited = true;
      exit.exit(EXIT_SERVICE_LOST, "the embedded Temporal server stopped");
      return;
    }
    if (database != null && database.gone()) {
      Instant now = clock.instant();
      if (databaseGoneSince == null) {
        databaseGoneSince = now;
        log.error("{} died (nothing accepts connections on its port): starting it again", database);
      }
      try {
        database.restart();
        log.info("{} is back after {} s", database, Duration.between(databaseGoneSince, clock.instant()).toSeconds());
        databaseGoneSince = null;
      } catch (RuntimeException e) {
        if (Duration.between(databaseGoneSince, clock.instant()).compareTo(GIVE_UP_AFTER) >= 0) {
          exited = true;
          exit.exit(EXIT_SERVICE_LOST, "cannot start " + database + " again for " + GIVE_UP_AFTER.toMinutes()
              + " min: " + e.getMessage());
        } else {
          log.warn("{} not started yet, trying again: {}", database, e.getMessage());
        }
      }
    }
  }

  /** Stops watching: called before the services are stopped on purpose. */
  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
    exited = true;
  }
}
