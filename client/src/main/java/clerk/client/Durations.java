package clerk.client;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.convert.DurationStyle;

/**
 * Durations as operators write them: Spring Boot's forms ({@code 90s}, {@code 15m}, {@code 2h},
 * ISO-8601 {@code PT1H30M}) and the compound form systemd and Go print ({@code 1h30m},
 * {@code 1h 30m}, {@code 2d12h}), which Spring's parser refuses.
 */
public final class Durations {
  private static final String PART = "(\\d+)\\s*(ns|us|ms|s|m|h|d)";
  private static final Pattern COMPOUND = Pattern.compile("(?:" + PART + "\\s*){2,}");
  private static final Pattern ONE_PART = Pattern.compile(PART);

  private Durations() {}

  /** @throws IllegalArgumentException {@code value} is no duration in any of those forms */
  public static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!COMPOUND.matcher(v).matches()) {
      return DurationStyle.detectAndParse(value.trim());
    }
    Duration sum = Duration.ZERO;
    for (Matcher part = ONE_PART.matcher(v); part.find(); ) {
      sum = sum.plus(DurationStyle.SIMPLE.parse(part.group(1) + part.group(2)));
    }
    return sum;
  }
}
