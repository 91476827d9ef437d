package clerk.activities.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may read what deploy writes, so a web server running as another user can serve it
 * ({@code CLERK_DEPLOY_GROUP}). With a group: files {@code rw-r-----} and directories {@code rwxr-x---}
 * owned by that group (the worker's user must be a member of it, or root). Without one: readable by
 * everyone ({@code rw-r--r--}, {@code rwxr-xr-x}). The default group, {@code www-data}, falls back to
 * readable by everyone, with one warning, on a host where it does not exist or cannot be given; a group
 * the operator named that cannot be given fails the deploy with the reason.
 */
public final class BundlePermissions {
  private static final Logger log = LoggerFactory.getLogger(BundlePermissions.class);
  public static final String DEFAULT_GROUP = "www-data";
  private static final Set<PosixFilePermission> GROUP_FILE = PosixFilePermissions.fromString("rw-r-----");
  private static final Set<PosixFilePermission> GROUP_DIR = PosixFilePermissions.fromString("rwxr-x---");
  private static final Set<PosixFilePermission> WORLD_FILE = PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> WORLD_DIR = PosixFilePermissions.fromString("rwxr-xr-x");

  /** Readable by everyone: tests, and hosts without the web server's group. */
  public static final BundlePermissions WORLD_READABLE = new BundlePermissions(null, false);

  private final String group;
  private final boolean required;
  private final AtomicBoolean fellBack = new AtomicBoolean();

  private BundlePermissions(String group, boolean required) {
    this.group = group;
    this.required = required;
  }

  /**
   * {@code CLERK_DEPLOY_GROUP}: null for the default group, blank for readable by everyone, else the
   * group that must be given the bundle.
   */
  public static BundlePermissions of(String setting) {
    if (setting == null) {
      return new BundlePermissions(DEFAULT_GROUP, false);
    }
    return setting.isBlank() ? WORLD_READABLE : new BundlePermissions(setting.trim(), true);
  }

  /** The group the bundle is given; null when it is readable by everyone. */
  public String group() {
    return fellBack.get() ? null : group;
  }

  public void file(Path p) throws IOException {
    apply(p, GROUP_FILE, WORLD_FILE);
  }

  public void directory(Path p) throws IOException {
    apply(p, GROUP_DIR, WORLD_DIR);
  }

  private void apply(Path p, Set<PosixFilePermission> withGroup, Set<PosixFilePermission> world)
      throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
    if (view == null) {
      return; // not a POSIX file system: its own rules apply
    }
    if (group == null || fellBack.get()) {
      view.setPermissions(world);
      return;
    }
    try {
      GroupPrincipal principal = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
      view.setGroup(principal);
      view.setPermissions(withGroup);
    } catch (IOException e) {
      if (required) {
        throw new IOException(p + ": cannot give it to group " + group + " (CLERK_DEPLOY_GROUP): " + e
            + "; the worker's user must be a member of the group", e);
      }
      if (fellBack.compareAndSet(false, true)) {
        log.warn("the bundle cannot be given to group {} ({}); it is made readable by everyone instead."
            + " Set CLERK_DEPLOY_GROUP to the web server's group, or to an empty value to keep it so", group, e.toString());
      }
      view.setPermissions(world);
    }
  }
}
