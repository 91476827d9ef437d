package clerk.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The embedded PostgreSQL's password, {@code CLERK_HOME/postgres.password}: random, made at the first
 * start, readable by clerk's own user only (0600). The worker and the CLI read it; nobody types it.
 */
public final class PasswordFile {
  private PasswordFile() {}

  /** The password in {@code file}, made first if there is none. */
  public static String readOrCreate(Path file) {
    if (!Files.exists(file)) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      try {
        Files.createDirectories(file.getParent());
        // Created with its final mode: never readable by others, not even for a moment.
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
      } catch (FileAlreadyExistsException raced) {
        // another clerk process made it first: use theirs
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file, e);
      }
    }
    return read(file);
  }

  /** The password in {@code file}; fails with the file's name when it cannot be read. */
  public static String read(Path file) {
    try {
      String password = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (password.isEmpty()) {
        throw new IllegalStateException(file + " is empty: delete it and the embedded PostgreSQL gets a new"
            + " password at the next start");
      }
      return password;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the embedded PostgreSQL's password from " + file, e);
    }
  }
}
