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
        .hasMessage("CLERK_LOG_FORMAT=xml: one of [text, json]");
  }

  @Test
  void aSiteKeepsTwoOcrTasksPerSlotOutUnlessTold() {
    assertThat(ClerkSettings.from(Map.of("CLERK_OCR_SLOTS", "3")).siteOcrAtOnce()).isEqualTo(6);
    assertThat(ClerkSettings.from(Map.of("CLERK_OCR_SLOTS", "3", "CLERK_SITE_OCR_AT_ONCE", "24")).siteOcrAtOnce())
        .isEqualTo(24);
    assertThatThrownBy(() -> ClerkSettings.from(Map.of("CLERK_SITE_OCR_AT_ONCE", "0")))
        .hasMessage("CLERK_SITE_OCR_AT_ONCE=0: at least 1");
  }
}
