package clerk.activities.ocr;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Idle Tesseract engines, per configuration, shared by all {@link DocumentOcr} instances. A thread
 * borrows an engine for one page and gives it back, so there are as many engines as pages OCRed at
 * once, each created lazily and reused. (A pool rather than a ThreadLocal: with virtual or
 * short-lived activity threads a ThreadLocal would initialise a new engine per thread.)
 */
final class EnginePool {
  record Key(Path tessdata, String lang, boolean osd) {}

  private static final int MAX_IDLE_PER_KEY =
      Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
  private static final Map<Key, ConcurrentLinkedDeque<TesseractEngine>> IDLE =
      new ConcurrentHashMap<>();

  private EnginePool() {}

  static TesseractEngine borrow(Key key) throws IOException {
    TesseractEngine engine = idle(key).pollFirst();
    return engine != null ? engine : TesseractEngine.open(key.tessdata(), key.lang(), key.osd());
  }

  /** Returns a healthy engine for reuse; one that failed should be closed instead. */
  static void giveBack(Key key, TesseractEngine engine) {
    ConcurrentLinkedDeque<TesseractEngine> idle = idle(key);
    if (idle.size() < MAX_IDLE_PER_KEY) {
      idle.offerFirst(engine);
    } else {
      engine.close();
    }
  }

  /**
   * Ends every idle engine. Called when the worker stops, after its activities have drained: an engine
   * still alive at process exit makes Tesseract print "ObjectCache ... LEAK" warnings to the journal.
   * An engine given back later is simply idle again.
   */
  static void closeIdle() {
    for (ConcurrentLinkedDeque<TesseractEngine> idle : IDLE.values()) {
      for (TesseractEngine engine; (engine = idle.pollFirst()) != null; ) {
        engine.close();
      }
    }
  }

  /** Engines waiting to be borrowed, all configurations. */
  static int idleCount() {
    return IDLE.values().stream().mapToInt(ConcurrentLinkedDeque::size).sum();
  }

  private static ConcurrentLinkedDeque<TesseractEngine> idle(Key key) {
    return IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>());
  }
}
