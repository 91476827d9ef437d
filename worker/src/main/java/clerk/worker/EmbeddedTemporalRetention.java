package clerk.worker;

import io.temporal.internal.testservice.TestServicesStarter;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention for the embedded Temporal server: forgets a workflow run some time after it closed, as a
 * real Temporal cluster does after its namespace's retention period. Temporal's Java test server keeps
 * every run's history in memory for as long as it lives and has no API to delete one (no
 * DeleteWorkflowExecution), so a long-lived embedded worker grew without bound: about 2 GB after two
 * runs of a 2,000-document site. Nothing in clerk reads a closed run's history; asking for a
 * forgotten run gets NOT_FOUND, which {@code Pipelines} already takes for "not running".
 *
 * <p>It reaches into the test server's private maps (by reflection: they have no accessor), under
 * the server's own locks. {@code EmbeddedTemporalRetentionTest} proves it against the Temporal
 * version on the class path; if a new version renames them, retention logs one warning and stays off.
 */
final class EmbeddedTemporalRetention implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedTemporalRetention.class);

  /** Closed runs are kept this long: time to read a finished site's history while debugging it. */
  static final Duration DEFAULT = Duration.ofMinutes(10);
  private static final Duration EVERY = Duration.ofMinutes(1);

  private final Object service;
  private final Lock serviceLock;
  private final Map<?, ?> executions;
  private final Map<?, ?> byWorkflowId;
  private final Map<?, ?> byFirstRunId;
  private final Lock storeLock;
  private final Map<?, ?> histories;
  private final Map<?, ?> searchAttributes;
  private final Method isTerminal;
  private final Duration retention;
  /** When each run was first seen closed: a run is forgotten {@code retention} after that. */
  private final Map<Object, Instant> closedSince = new HashMap<>();
  private ScheduledExecutorService timer;

  private EmbeddedTemporalRetention(TestServicesStarter starter, Duration retention) throws ReflectiveOperationException {
    this.service = starter.getWorkflowService();
    this.serviceLock = (Lock) field(service, "lock");
    this.executions = (Map<?, ?>) field(service, "executions");
    this.byWorkflowId = (Map<?, ?>) field(service, "executionsByWorkflowId");
    this.byFirstRunId = (Map<?, ?>) field(service, "executionsByFirstExecutionRunId");
    Object store = field(service, "store");
    this.storeLock = (Lock) field(store, "lock");
    this.histories = (Map<?, ?>) field(store, "histories");
    this.searchAttributes = (Map<?, ?>) field(field(service, "visibilityStore"), "executionSearchAttributes");
    this.isTerminal = Class.forName("io.temporal.internal.testservice.TestWorkflowMutableState")
        .getMethod("isTerminalState");
    this.isTerminal.setAccessible(true); // a public method of a package-private interface
    this.retention = retention;
    dropTimeLockLog(field(service, "selfAdvancingTimer"));
  }

  /**
   * The server's clock keeps a log of every time lock and unlock "for debugging" that it never
   * trims: it grows by a few entries with every task (about 1 GB a year at a site's pace), and each
   * unlock searches it from the start, so the server slows down the longer it runs (the largest
   * single cost of the embedded server in {@code bench/pipeline}). Replaced by a log that keeps
   * nothing; the only reader is the server's diagnostics dump.
   */
  private static void dropTimeLockLog(Object clock) throws ReflectiveOperationException {
    Lock clockLock = (Lock) field(clock, "lock");
    Field log = declared(clock.getClass(), "lockEvents");
    clockLock.lock();
    try {
      log.set(clock, new NoTimeLockLog());
    } finally {
      clockLock.unlock();
    }
  }

  /** Takes every entry and keeps none; every removal succeeds (the server checks its lock balance so). */
  static final class NoTimeLockLog extends java.util.LinkedList<Object> {
    @Override
    public boolean add(Object event) {
      return true;
    }

    @Override
    public boolean remove(Object event) {
      return true;
    }
  }

  /** The clock's log of time locks: its size, for tests. */
  int timeLockLogSize() throws ReflectiveOperationException {
    return ((java.util.List<?>) field(field(service, "selfAdvancingTimer"), "lockEvents")).size();
  }

  /** Retention for the server, checked every minute; null (with one warning) when it cannot work. */
  static EmbeddedTemporalRetention start(TestServicesStarter starter, Duration retention) {
    EmbeddedTemporalRetention r = create(starter, retention);
    if (r != null) {
      r.timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread t = new Thread(task, "embedded-temporal-retention");
        t.setDaemon(true);
        return t;
      });
      r.timer.scheduleWithFixedDelay(r::pruneQuietly, EVERY.toSeconds(), EVERY.toSeconds(), TimeUnit.SECONDS);
    }
    return r;
  }

  static EmbeddedTemporalRetention create(TestServicesStarter starter, Duration retention) {
    try {
      return new EmbeddedTemporalRetention(starter, retention);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("embedded Temporal server: closed workflow runs are kept in memory for good (this Temporal"
          + " version's test server is not the one retention knows: {})", e.toString());
      return null;
    }
  }

  private void pruneQuietly() {
    try {
      int forgotten = prune(Instant.now());
      if (forgotten > 0) {
        log.debug("embedded Temporal server: forgot {} closed workflow runs", forgotten);
      }
    } catch (RuntimeException | ReflectiveOperationException e) {
      log.warn("embedded Temporal server retention failed: {}", e.toString());
    }
  }

  /** Forgets the runs closed for longer than the retention as of {@code now}; returns how many. */
  int prune(Instant now) throws ReflectiveOperationException {
    serviceLock.lock();
    try {
      List<Object> expired = new ArrayList<>();
      Set<Object> expiredStates = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      for (Map.Entry<?, ?> e : executions.entrySet()) {
        if (!(Boolean) isTerminal.invoke(e.getValue())) {
          continue;
        }
        Instant since = closedSince.computeIfAbsent(e.getKey(), k -> now);
        if (!since.plus(retention).isAfter(now)) {
          expired.add(e.getKey());
          expiredStates.add(e.getValue());
        }
      }
      if (expired.isEmpty()) {
        return 0;
      }
      executions.keySet().removeAll(expired);
      // A workflow id still maps to its latest run; only when that is one of the forgotten runs it goes.
      byWorkflowId.values().removeIf(expiredStates::contains);
      byFirstRunId.values().removeIf(expiredStates::contains);
      searchAttributes.keySet().removeAll(expired);
      storeLock.lock();
      try {
        histories.keySet().removeAll(expired);
      } finally {
        storeLock.unlock();
      }
      expired.forEach(closedSince::remove);
      return expired.size();
    } finally {
      serviceLock.unlock();
    }
  }

  /** Runs the server holds, open or closed. */
  int runs() {
    serviceLock.lock();
    try {
      return executions.size();
    } finally {
      serviceLock.unlock();
    }
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    return declared(owner.getClass(), name).get(owner);
  }

  private static Field declared(Class<?> type, String name) throws NoSuchFieldException {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
      } catch (NoSuchFieldException next) {
        // declared higher up
      }
    }
    throw new NoSuchFieldException(type.getName() + "." + name);
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
