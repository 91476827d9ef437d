package clerk.activities.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
    fresh.close();
  }
}
