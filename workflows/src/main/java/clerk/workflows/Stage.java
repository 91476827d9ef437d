package clerk.workflows;

import java.util.Locale;

/** The stages a site's documents go through, in order; {@link #COMPLETED} is the end state. */
public enum Stage {
  OCR,
  COMPILATION,
  EXTRACTION,
  DEPLOY,
  COMPLETED;

  /** The name used in the database ({@code sites.current_stage}) and on the command line. */
  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Stage fromDbName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** The stage after this one. */
  public Stage next() {
    return this == COMPLETED ? COMPLETED : values()[ordinal() + 1];
  }
}
