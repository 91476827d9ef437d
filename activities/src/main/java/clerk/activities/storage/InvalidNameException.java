package clerk.activities.storage;

/** A subdomain, meeting or date name that could escape STORAGE_DIR or is not a name at all. */
public final class InvalidNameException extends IllegalArgumentException {
  public InvalidNameException(String message) {
    super(message);
  }
}
