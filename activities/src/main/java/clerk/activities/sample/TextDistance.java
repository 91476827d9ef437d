package clerk.activities.sample;

/** How far OCR output is from the text a sample page really says (tests, benchmarks). */
public final class TextDistance {
  private TextDistance() {}

  public static String normalise(String text) {
    return text.replaceAll("\\s+", " ").trim();
  }

  /** Character error rate: edit distance over the expected length, whitespace normalised. */
  public static double cer(String expected, String actual) {
    String a = normalise(expected);
    String b = normalise(actual);
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()] / (double) Math.max(1, a.length());
  }
}
