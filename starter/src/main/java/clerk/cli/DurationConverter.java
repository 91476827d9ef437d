package clerk.cli;

import java.time.Duration;
import org.springframework.boot.convert.DurationStyle;
import picocli.CommandLine;

/** A duration option ({@code 90s}, {@code 15m}, {@code 2h}, {@code PT15M}), read by Spring Boot's parser. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    Duration d;
    try {
      d = DurationStyle.detectAndParse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (90s, 15m, 2h, PT15M)");
    }
    if (d.isNegative() || d.isZero()) {
      throw new CommandLine.TypeConversionException("'" + value + "': a duration must be positive");
    }
    return d;
  }
}
