package clerk.activities.ocr;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Idle Tesseract engines, per configuration, shared by all {@link DocumentOcr} instances. A thread
 * borrows an engine for one page and gives it back, so there are as many engines as pages OCRed at
 * once, each created lazily and reused. (A pool rather than a ThreadLocal: with virtual or
 * short-lived activity threads a ThreadLocal would initialise a new engine per thread.)
 *
 * <p>An idle worker gives its OCR memory back: engines unused for {@link #IDLE_CLOSE} are ended (each
 * holds its models, tens of megabytes of native memory; a new one loads in half a second), and once
 * no page is being read, what Tesseract freed is returned to the system ({@link NativeMemory}).
 */
final class EnginePool {
  record Key(Path tessdata, String lang, boolean osd) {}

  /** An idle engine and when it was given back. */
  private record Idle(TesseractEngine engine, long since) {}

  static final Duration IDLE_CLOSE = Duration.ofMinutes(2);
  private static final Duration CHECK_EVERY = Duration.ofSeconds(30);

  private static final int MAX_IDLE_PER_KEY =
      Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
  private static final Map<Key, ConcurrentLinkedDeque<Idle>> IDLE = new ConcurrentHashMap<>();
  private static final AtomicInteger BORROWED = new AtomicInteger();
  /** Pages read since the last check: none means the worker is idle and memory can go back. */
  private static final AtomicInteger READ_SINCE_CHECK = new AtomicInteger();
  private static final ScheduledExecutorService REAPER = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread t = new Thread(task, "tesseract-idle-engines");
    t.setDaemon(true);
    return t;
  });

  static {
    REAPER.scheduleWithFixedDelay(EnginePool::releaseIdle, CHECK_EVERY.toSeconds(), CHECK_EVERY.toSeconds(),
        TimeUnit.SECONDS);
  }

  private EnginePool() {}

  static TesseractEngine borrow(Key key) throws IOException {
    Idle idle = idle(key).pollFirst();
    TesseractEngine engine = idle != null ? idle.engine() : TesseractEngine.open(key.tessdata(), key.lang(), key.osd());
    BORROWED.incrementAndGet();
    READ_SINCE_CHECK.incrementAndGet();
    return engine;
  }

  /** Returns a healthy engine for reuse; one that failed should be closed instead. */
  static void giveBack(Key key, TesseractEngine engine) {
    BORROWED.decrementAndGet();
    ConcurrentLinkedDeque<Idle> idle = idle(key);
    if (idle.size() < MAX_IDLE_PER_KEY) {
      idle.offerFirst(new Idle(engine, System.nanoTime()));
    } else {
      engine.close();
    }
  }

  /** An engine that failed: ended by the caller, no longer borrowed. */
  static void discard(TesseractEngine engine) {
    BORROWED.decrementAndGet();
    engine.close();
  }

  /**
   * Ends every idle engine. Called when the worker stops, after its activities have drained: an engine
   * still alive at process exit makes Tesseract print "ObjectCache ... LEAK" warnings to the journal.
   * An engine given back later is simply idle again.
   */
  static void closeIdle() {
    closeIdleFor(Duration.ZERO);
  }

  /** Ends the engines idle for at least {@code idleFor}; returns how many. */
  static int closeIdleFor(Duration idleFor) {
    long now = System.nanoTime();
    int closed = 0;
    for (ConcurrentLinkedDeque<Idle> idle : IDLE.values()) {
      // The least recently given back are at the end.
      for (Idle last; (last = idle.peekLast()) != null && now - last.since() >= idleFor.toNanos(); ) {
        if (idle.removeLastOccurrence(last)) {
          last.engine().close();
          closed++;
        }
      }
    }
    return closed;
  }

  /** The reaper's round: old idle engines ended, native memory trimmed when nothing was read. */
  static void releaseIdle() {
    try {
      int closed = closeIdleFor(IDLE_CLOSE);
      boolean quiet = READ_SINCE_CHECK.getAndSet(0) == 0 && BORROWED.get() == 0;
      if (closed > 0 || quiet) {
        NativeMemory.trim();
      }
    } catch (RuntimeException e) {
      // Never let the reaper die: the next round tries again.
    }
  }

  /** Engines waiting to be borrowed, all configurations. */
  static int idleCount() {
    return IDLE.values().stream().mapToInt(ConcurrentLinkedDeque::size).sum();
  }

  private static ConcurrentLinkedDeque<Idle> idle(Key key) {
    return IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
  }
}
