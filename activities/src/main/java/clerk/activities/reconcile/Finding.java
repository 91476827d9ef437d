package clerk.activities.reconcile;

/**
 * A line of a reconciliation's repairs, in the report's tense: "2 documents … sent back to OCR" after
 * a run, "1 document … would be sent back to OCR" in a dry run.
 */
final class Finding {
  private Finding() {}

  /** {@code count} things, named in the singular or plural, and what was (or would be) done to them. */
  static String of(int count, String one, String many, String done, boolean dryRun) {
    return count + " " + (count == 1 ? one : many) + (dryRun ? " would be " : " ") + done;
  }

  /** What was (or would be) done to a thing named before. */
  static String done(String what, String done, boolean dryRun) {
    return what + (dryRun ? " would be " : " ") + done;
  }
}
