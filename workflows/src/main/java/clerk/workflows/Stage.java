package clerk.workflows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
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

  /**
   * The stage's one spelling, lowercase: in the database ({@code sites.current_stage}), the search
   * attribute {@code ClerkStage}, workflow payloads, JSON and on the command line (docs/api.md).
   */
  @JsonValue
  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A stage from its name in any case: payloads recorded before the lowercase spelling said "OCR". */
  @JsonCreator
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
