package clerk.activities;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an activity attempt's heartbeat going while it works, from a small shared thread, so a page
 * that Tesseract reads for longer than the heartbeat timeout does not make Temporal give up on a live
 * attempt. Also notices when Temporal has given up on it anyway (cancelled, timed out, retried
 * elsewhere): a heartbeat then throws, {@link #lost()} turns true and {@link #checkAlive()} throws, so
 * the attempt stops before it writes anything more.
 */
final class AttemptHeartbeat implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AttemptHeartbeat.class);

  /** One thread for every attempt on the worker: a beat only hands details to the SDK, which sends them. */
  private static final ScheduledExecutorService BEATS = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "clerk-heartbeat");
    t.setDaemon(true);
    return t;
  });

  /** Used when an activity has no heartbeat timeout: Temporal then only needs to hear of it now and then. */
  private static final Duration WITHOUT_TIMEOUT = Duration.ofSeconds(10);

  private final ActivityExecutionContext context;
  private final String attempt;
  private final ScheduledFuture<?> beats;
  private volatile Object progress;
  private volatile ActivityCompletionException lost;

  /** Sends a first heartbeat at once, then one every third of the heartbeat timeout. */
  AttemptHeartbeat(ActivityExecutionContext context, String attempt, Object progress) {
    this.context = context;
    this.attempt = attempt;
    this.progress = progress;
    beat();
    long every = interval(context.getInfo().getHeartbeatTimeout()).toMillis();
    this.beats = BEATS.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * A third of the timeout: the SDK sends at most every 0.8 of it, so each send carries fresh details,
   * and a beat late by a garbage-collection pause or a busy disk still arrives in time.
   */
  static Duration interval(Duration heartbeatTimeout) {
    if (heartbeatTimeout == null || heartbeatTimeout.isZero()) {
      return WITHOUT_TIMEOUT;
    }
    Duration third = heartbeatTimeout.dividedBy(3);
    return third.toMillis() < 10 ? Duration.ofMillis(10) : third;
  }

  /** What the next heartbeats report (the last page written). */
  void progress(Object details) {
    this.progress = details;
  }

  /** Whether Temporal has given up on this attempt. */
  boolean lost() {
    return lost != null;
  }

  /** Heartbeats now and throws the SDK's reason when Temporal has given up on this attempt. */
  void checkAlive() {
    beat();
    ActivityCompletionException reason = lost;
    if (reason != null) {
      throw reason;
    }
  }

  /** The SDK's reason Temporal gave up on this attempt; null while it has not. */
  ActivityCompletionException reason() {
    return lost;
  }

  private void beat() {
    if (lost != null) {
      return;
    }
    try {
      context.heartbeat(progress);
    } catch (ActivityCompletionException e) {
      if (lost == null) {
        lost = e;
        log.info("{}: Temporal gave up on this attempt ({}); it stops and writes nothing more", attempt,
            e.getClass().getSimpleName());
      }
    } catch (RuntimeException e) {
      // The SDK retries sends itself; a beat that cannot be recorded must not end the beating.
      log.warn("{}: heartbeat not recorded: {}", attempt, e.toString());
    }
  }

  @Override
  public void close() {
    beats.cancel(false);
  }
}
