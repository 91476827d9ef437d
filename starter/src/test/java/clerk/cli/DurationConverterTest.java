package clerk.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void takesTheFormsOperatorsWrite() {
    assertThat(converter.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(converter.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(converter.convert("PT15M")).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void refusesWhatIsNoPositiveDurationInOneLine() {
    assertThatThrownBy(() -> converter.convert("1h30")).isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessage("'1h30' is not a duration (90s, 15m, 1h30m, PT15M)");
    assertThatThrownBy(() -> converter.convert("0s")).hasMessage("'0s': a duration must be positive");
  }
}
