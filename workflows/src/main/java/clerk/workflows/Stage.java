package clerk.workflows;

import java.util.List;
import java.util.Locale;

/**
 * The stages a site's documents go through, in order, and the two states a site ends in:
 * {@link #COMPLETED}, and {@link #FAILED} when every document failed a stage (an operator must look).
 */
public enum Stage {
  OCR,
  COMPILATION,
  EXTRACTION,
  DEPLOY,
  COMPLETED,
  FAILED;

  /** The four stages documents go through, in order: the one list of them. */
  public static final List<Stage> PIPELINE = List.of(OCR, COMPILATION, EXTRACTION, DEPLOY);

  /** The name used in the database ({@code sites.current_stage}) and on the command line. */
  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Stage fromDbName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** Whether the site's pipeline has ended: nothing is left to do in any stage. */
  public boolean isEnd() {
    return this == COMPLETED || this == FAILED;
  }

  /** The stage after this one; after deploy the site is completed. */
  public Stage next() {
    return isEnd() || this == DEPLOY ? COMPLETED : values()[ordinal() + 1];
  }
}
