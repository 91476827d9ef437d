package clerk.activities.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
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
 * A site's bundle directory {@code DEPLOY_DIR/{subdomain}}, replaced as a whole: the new bundle is
 * built next to it in {@code .{subdomain}.tmp-<random>}, the live one is renamed away to
 * {@code .{subdomain}.old-<random>}, the new one renamed into place, the old one deleted. Readers
 * therefore see the previous bundle or the new one, never a half-written one (there is a brief
 * moment between the two renames when the directory is absent). Leftovers of a crashed run are
 * removed by the next one. Writers of one site are serialized: in this JVM by a monitor, across
 * processes by a lock on {@code .{subdomain}.lock}.
 */
final class BundleDirectory {
  // Same rule as the sites.subdomain_format constraint; keeps "..", "/" and upper case out of paths.
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
  private static final ConcurrentHashMap<Path, Object> MONITORS = new ConcurrentHashMap<>();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern LEFTOVER_SUFFIX = Pattern.compile("[0-9a-f]{12}");

  /** Builds the bundle's files into the given (empty, temporary) directory. */
  @FunctionalInterface
  interface Builder<T> {
    T build(Path tmpDir) throws IOException;
  }

  private BundleDirectory() {}

  static String validSubdomain(String subdomain) {
    if (subdomain == null || subdomain.length() > 253 || !SUBDOMAIN.matcher(subdomain).matches()) {
      throw new IllegalArgumentException("not a valid site subdomain: " + subdomain);
    }
    return subdomain;
  }

  /** Builds a new bundle and puts it in place of {@code deployDir/subdomain}; returns the build's result. */
  static <T> T replace(Path deployDir, String subdomain, Builder<T> builder) throws IOException {
    validSubdomain(subdomain);
    Files.createDirectories(deployDir);
    Path live = deployDir.resolve(subdomain).toAbsolutePath().normalize();
    synchronized (MONITORS.computeIfAbsent(live, k -> new Object())) {
      try (FileChannel lockFile = FileChannel.open(deployDir.resolve("." + subdomain + ".lock"),
              StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = lockFile.lock()) {
        removeLeftovers(deployDir, subdomain);
        Path tmp = Files.createDirectory(deployDir.resolve("." + subdomain + ".tmp-" + randomSuffix()));
        T result;
        try {
          result = builder.build(tmp);
        } catch (IOException | RuntimeException e) {
          deleteTree(tmp);
          throw e;
        }
        swapIn(tmp, live, deployDir.resolve("." + subdomain + ".old-" + randomSuffix()));
        return result;
      }
    }
  }

  private static void swapIn(Path tmp, Path live, Path old) throws IOException {
    boolean hadLive = Files.exists(live);
    if (hadLive) {
      Files.move(live, old, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(tmp, live, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      if (hadLive) {
        Files.move(old, live, StandardCopyOption.ATOMIC_MOVE); // keep serving the previous bundle
      }
      deleteTree(tmp);
      throw e;
    }
    if (hadLive) {
      deleteTree(old);
    }
  }

  /** Temporary and old directories a crashed run of this site left behind. */
  private static void removeLeftovers(Path deployDir, String subdomain) throws IOException {
    List<Path> leftovers = new ArrayList<>();
    String tmpPrefix = "." + subdomain + ".tmp-";
    String oldPrefix = "." + subdomain + ".old-";
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(deployDir)) {
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
    if (!Files.exists(root)) {
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

  private static String randomSuffix() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
