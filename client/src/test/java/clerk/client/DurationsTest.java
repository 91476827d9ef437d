package clerk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void springBootsFormsStillParse() {
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(Durations.parse("90ms")).isEqualTo(Duration.ofMillis(90));
    assertThat(Durations.parse("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse(" 2h ")).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void compoundDurationsAsSystemdPrintThemParse() {
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("1h 30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("2d12h")).isEqualTo(Duration.ofHours(60));
    assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("1s500ms")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("1H30M")).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void anythingElseIsRefused() {
    for (String bad : new String[] {"abc", "1h30", "h30m", "1h-30m", "1.5h", "", "1x2h"}) {
      assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
