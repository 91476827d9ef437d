package clerk.worker;

import clerk.client.ClerkSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * {@code /actuator/health} component "disk": free space where clerk writes, STORAGE_DIR (page texts)
 * and DEPLOY_DIR (bundles), not the working directory Spring Boot's own check looks at. DOWN when
 * either has less than {@code CLERK_DISK_MIN_FREE} (default 1 GB) free, naming the directory: OCR and
 * deploys fail on a full disk. A directory not made yet is measured where it will be made.
 */
@Component("disk")
public class DiskSpaceHealthIndicator implements HealthIndicator {
  private final Map<String, Path> directories = new LinkedHashMap<>();
  private final DataSize minFree;

  public DiskSpaceHealthIndicator(ClerkSettings settings) {
    directories.put("STORAGE_DIR", settings.storageDir());
    directories.put("DEPLOY_DIR", settings.deployDir());
    this.minFree = settings.diskMinFree();
  }

  @Override
  public Health health() {
    List<String> low = new ArrayList<>();
    Health.Builder health = Health.up().withDetail("min_free", minFree.toBytes());
    for (Map.Entry<String, Path> d : directories.entrySet()) {
      Path path = d.getValue().toAbsolutePath();
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("path", path.toString());
      try {
        var store = Files.getFileStore(existing(path));
        long free = store.getUsableSpace();
        detail.put("free", free);
        detail.put("total", store.getTotalSpace());
        if (free < minFree.toBytes()) {
          low.add(d.getKey() + " " + path + " has " + human(free) + " free, under CLERK_DISK_MIN_FREE " + human(minFree.toBytes()));
        }
      } catch (IOException | RuntimeException e) {
        low.add(d.getKey() + " " + path + ": cannot read its free space: " + e);
      }
      health.withDetail(d.getKey(), detail);
    }
    if (!low.isEmpty()) {
      health.down().withDetail("error", String.join("; ", low));
    }
    return health.build();
  }

  /** The path, or its nearest ancestor that exists. */
  private static Path existing(Path path) {
    Path p = path;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p == null ? path : p;
  }

  static String human(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(java.util.Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
    }
    return String.format("%d MB", bytes >> 20);
  }
}
