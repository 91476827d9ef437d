package clerk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClerkSettingsTest {
  @Test
  void logsAreTextUnlessJsonIsAsked() {
    assertThat(ClerkSettings.from(Map.of()).jsonLogs()).isFalse();
    assertThat(ClerkSettings.from(Map.of("CLERK_LOG_FORMAT", "JSON")).jsonLogs()).isTrue();
    assertThatThrownBy(() -> ClerkSettings.from(Map.of("CLERK_LOG_FORMAT", "xml")))
        .hasMessage("CLERK_LOG_FORMAT=xml: expected text or json");
  }

  @Test
  void aSiteKeepsTwoOcrTasksPerSlotOutUnlessTold() {
    assertThat(ClerkSettings.from(Map.of("CLERK_OCR_SLOTS", "3")).siteOcrAtOnce()).isEqualTo(6);
    assertThat(ClerkSettings.from(Map.of("CLERK_OCR_SLOTS", "3", "CLERK_SITE_OCR_AT_ONCE", "24")).siteOcrAtOnce())
        .isEqualTo(24);
    assertThatThrownBy(() -> ClerkSettings.from(Map.of("CLERK_SITE_OCR_AT_ONCE", "0")))
        .hasMessage("CLERK_SITE_OCR_AT_ONCE=0: expected a whole number, at least 1");
  }

  @Test
  void aWrongValueFailsInOneLineNamingTheVariableAndTheExpectedForm() {
    assertThatThrownBy(() -> ClerkSettings.from(Map.of("CLERK_STALE_THRESHOLD", "abc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CLERK_STALE_THRESHOLD=abc: expected a duration (2h, 1h30m, PT1H30M)");
    assertThatThrownBy(() -> ClerkSettings.from(Map.of("CLERK_OCR_SLOTS", "x")))
        .hasMessage("CLERK_OCR_SLOTS=x: expected a whole number, at least 1");
    assertThatThrownBy(() -> ClerkSettings.from(Map.of("CLERK_HTTP_PORT", "80a")))
        .hasMessage("CLERK_HTTP_PORT=80a: expected a port number (0: any free one)");
    assertThatThrownBy(() -> ClerkSettings.from(Map.of("CLERK_PAGE_IMAGES", "sometimes")))
        .hasMessage("CLERK_PAGE_IMAGES=sometimes: expected on or off");
    assertThatThrownBy(() -> ClerkSettings.from(Map.of("CLERK_OCR_DPI", "20")))
        .hasMessage("CLERK_OCR_DPI=20: expected a whole number from 72 to 1200");
  }

  @Test
  void valuesAreBoundAndConvertedBySpringBoot() {
    ClerkSettings s = ClerkSettings.from(Map.of("CLERK_OCR_SLOTS", " 3 ", "CLERK_PAGE_IMAGES", "on",
        "CLERK_OCR_PAGE_TIMEOUT", "45", "CLERK_OCR_LANG", "eng+spa", "CLERK_RECONCILE_TIMEOUT", "1h"));
    assertThat(s.ocrSlots()).isEqualTo(3);
    assertThat(s.pageImages()).isTrue();
    assertThat(s.ocr().pageTimeout()).isEqualTo(java.time.Duration.ofSeconds(45));
    assertThat(s.ocr().lang()).isEqualTo("eng+spa");
    assertThat(s.reconcileRunTimeout()).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(ClerkSettings.from(Map.of()).staleThreshold()).isEqualTo(java.time.Duration.ofHours(2));
  }
}
