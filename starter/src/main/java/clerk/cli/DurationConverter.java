package clerk.cli;

import clerk.client.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** A duration option ({@code 90s}, {@code 15m}, {@code 1h30m}, {@code PT15M}): {@link Durations}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    Duration d;
    try {
      d = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (90s, 15m, 1h30m, PT15M)");
    }
    if (d.isNegative() || d.isZero()) {
      throw new CommandLine.TypeConversionException("'" + value + "': a duration must be positive");
    }
    return d;
  }
}
