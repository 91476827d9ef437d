package clerk.activities.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A site's bundle directory {@code DEPLOY_DIR/{subdomain}}, which stays in place: {@code meetings.db}
 * in it is a symbolic link to one of two database files, {@code .meetings-a.db} and
 * {@code .meetings-b.db}. A deploy brings the other one (the standby, one deploy behind) up to date
 * and then switches the link by renaming a new link over it: {@code rename(2)} replaces it atomically,
 * so a reader opening {@code meetings.db} always finds a whole database, the previous one or the new
 * one, never a missing or half-written file. {@code site.json} and {@code metadata.json} are replaced
 * by rename too, after the switch, so {@code site.json}'s fingerprint never claims what the database
 * does not hold yet.
 *
 * <p>Writers of one site are serialized: in this JVM by a monitor, across processes by a lock on
 * {@code DEPLOY_DIR/.{subdomain}.lock}. The hidden names keep Datasette's configuration-directory mode
 * ({@code datasette serve DEPLOY_DIR/{subdomain}}) to the one {@code meetings.db}.
 */
final class BundleDirectory {
  // Same rule as the sites.subdomain_format constraint; keeps "..", "/" and upper case out of paths.
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
  private static final ConcurrentHashMap<Path, Object> MONITORS = new ConcurrentHashMap<>();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern LEFTOVER_SUFFIX = Pattern.compile("[0-9a-f]{12}");

  /** Work done on a site's bundle while its lock is held. */
  @FunctionalInterface
  interface Work<T> {
    T run(BundleDirectory bundle) throws IOException;
  }

  private final Path dir;
  /** The database's name readers open ({@code meetings.db}); a symbolic link to one of {@link #files}. */
  private final String linkName;
  private final List<String> files;
  private final BundlePermissions permissions;

  private BundleDirectory(Path dir, String linkName, BundlePermissions permissions) {
    this.dir = dir;
    this.linkName = linkName;
    String stem = linkName.endsWith(".db") ? linkName.substring(0, linkName.length() - 3) : linkName;
    this.files = List.of("." + stem + "-a.db", "." + stem + "-b.db");
    this.permissions = permissions;
  }

  static String validSubdomain(String subdomain) {
    if (subdomain == null || subdomain.length() > 253 || !SUBDOMAIN.matcher(subdomain).matches()) {
      throw new IllegalArgumentException("not a valid site subdomain: " + subdomain);
    }
    return subdomain;
  }

  /** Runs {@code work} on the site's bundle directory (created if missing) under the site's lock. */
  static <T> T locked(Path deployDir, String subdomain, BundlePermissions permissions, Work<T> work)
      throws IOException {
    validSubdomain(subdomain);
    Files.createDirectories(deployDir);
    Path dir = deployDir.resolve(subdomain).toAbsolutePath().normalize();
    synchronized (MONITORS.computeIfAbsent(dir, k -> new Object())) {
      try (FileChannel lockFile = FileChannel.open(deployDir.resolve("." + subdomain + ".lock"),
              StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = lockFile.lock()) {
        removeOldLayoutLeftovers(deployDir, subdomain);
        if (!Files.isDirectory(dir)) {
          Files.createDirectory(dir);
        }
        permissions.directory(dir);
        return work.run(new BundleDirectory(dir, MeetingsDb.FILE_NAME, permissions));
      }
    }
  }

  /**
   * Runs {@code work} on the database {@code file} (the cross-site database) under a lock of its own:
   * the file is the link, its two database files beside it.
   */
  static <T> T lockedFile(Path file, BundlePermissions permissions, Work<T> work) throws IOException {
    Path dir = file.toAbsolutePath().normalize().getParent();
    Files.createDirectories(dir);
    String name = file.getFileName().toString();
    synchronized (MONITORS.computeIfAbsent(dir.resolve(name), k -> new Object())) {
      try (FileChannel lockFile = FileChannel.open(dir.resolve("." + name + ".lock"),
              StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = lockFile.lock()) {
        return work.run(new BundleDirectory(dir, name, permissions));
      }
    }
  }

  Path dir() {
    return dir;
  }

  /** The database file readers see now; null when there is none. */
  Path live() throws IOException {
    Path link = dir.resolve(linkName);
    if (Files.isSymbolicLink(link)) {
      return dir.resolve(Files.readSymbolicLink(link)).normalize();
    }
    return Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS) ? link : null;
  }

  /**
   * The database file the next deploy writes: the one readers do not see. When it does not exist yet
   * it starts as a copy of the live one (its bookkeeping then makes the deploy write only what changed).
   */
  Path standby() throws IOException {
    Path live = live();
    Path standby = dir.resolve(live != null && live.getFileName().toString().equals(files.get(0))
        ? files.get(1) : files.get(0));
    Path copy = standby.resolveSibling(standby.getFileName() + ".copying");
    Files.deleteIfExists(copy);
    if (!Files.exists(standby) && live != null && Files.isSymbolicLink(dir.resolve(linkName))) {
      Files.copy(live, copy);
      Files.move(copy, standby, StandardCopyOption.ATOMIC_MOVE);
    }
    return standby;
  }

  /** Makes {@code database} the one {@code meetings.db} names, in one rename. */
  void publish(Path database) throws IOException {
    sync(database);
    permissions.file(database);
    Path link = dir.resolve(linkName);
    Path newLink = dir.resolve("." + linkName + ".link-" + randomSuffix());
    Files.createSymbolicLink(newLink, database.getFileName());
    try {
      Files.move(newLink, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(newLink);
      throw e;
    }
    syncDirectory(dir);
  }

  /** Replaces a file of the bundle by rename: readers see the old content or the new, whole. */
  void write(String name, String content) throws IOException {
    Path tmp = dir.resolve("." + name + ".tmp-" + randomSuffix());
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      sync(tmp);
      permissions.file(tmp);
      Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Before this layout, a deploy built {@code .{subdomain}.tmp-…} and renamed the live directory to
   * {@code .{subdomain}.old-…}: what a crash of such a deploy left is removed.
   */
  private static void removeOldLayoutLeftovers(Path deployDir, String subdomain) throws IOException {
    List<Path> leftovers = new ArrayList<>();
    String tmpPrefix = "." + subdomain + ".tmp-";
    String oldPrefix = "." + subdomain + ".old-";
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(deployDir, "." + subdomain + ".*")) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        // Exact suffix shape, so site "a" never touches the directories of site "a.tmp-x".
        if ((name.startsWith(tmpPrefix) || name.startsWith(oldPrefix)) && LEFTOVER_SUFFIX.matcher(
            name.substring(tmpPrefix.length())).matches()) {
          leftovers.add(p);
        }
      }
    }
    for (Path p : leftovers) {
      deleteTree(p);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Flushes a file to disk before it is renamed into view. */
  static void sync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** Makes a rename in the directory durable. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException notSupported) {
      // Some file systems cannot sync a directory; the rename is still atomic.
    }
  }

  private static String randomSuffix() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
