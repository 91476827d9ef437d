package clerk.activities.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EnginePoolTest {
  private static EnginePool.Key key() throws Exception {
    Path tessdata = TesseractSetup.tessdataDir(OcrSettings.defaults());
    return new EnginePool.Key(tessdata, "eng", false);
  }

  @Test
  void anEngineGivenBackIsReusedAndEndedWhenTheWorkerStops() throws Exception {
    EnginePool.closeIdle();
    EnginePool.Key key = key();
    TesseractEngine first = EnginePool.borrow(key);
    EnginePool.giveBack(key, first);
    assertThat(EnginePool.idleCount()).isEqualTo(1);
    TesseractEngine again = EnginePool.borrow(key);
    assertThat(again).isSameAs(first);
    EnginePool.giveBack(key, again);

    DocumentOcr.closeIdleEngines();

    assertThat(EnginePool.idleCount()).isZero();
    TesseractEngine fresh = EnginePool.borrow(key);
    assertThat(fresh).isNotSameAs(first);
    EnginePool.discard(fresh);
  }

  @Test
  void anIdleWorkerEndsItsEnginesAfterTheIdleLimitAndTrimsNativeMemory() throws Exception {
    EnginePool.closeIdle();
    EnginePool.Key key = key();
    EnginePool.giveBack(key, EnginePool.borrow(key));

    assertThat(EnginePool.closeIdleFor(Duration.ofHours(1))).as("idle for less than the limit").isZero();
    assertThat(EnginePool.idleCount()).isEqualTo(1);
    assertThat(EnginePool.closeIdleFor(Duration.ZERO)).isEqualTo(1);
    assertThat(EnginePool.idleCount()).isZero();
    // glibc on this machine: the freed native memory goes back to the system.
    assertThat(NativeMemory.trim()).isTrue();
  }
}
