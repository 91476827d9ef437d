package clerk.worker;

import static org.assertj.core.api.Assertions.assertThat;

import clerk.client.ClerkSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.unit.DataSize;

/** The "disk" health component looks at STORAGE_DIR and DEPLOY_DIR, and is DOWN under the threshold. */
class DiskSpaceHealthIndicatorTest {
  @TempDir Path home;

  /** The threshold through its variable, as an operator sets it (bytes, Spring Boot's size form). */
  ClerkSettings settings(Path storage, Path deploy, DataSize minFree) {
    return ClerkSettings.from(Map.of("CLERK_HOME", home.toString(), "STORAGE_DIR", storage.toString(),
        "DEPLOY_DIR", deploy.toString(), "CLERK_DISK_MIN_FREE", minFree.toBytes() + "B"));
  }

  @Test
  void theThresholdIsOneGigabyteUnlessSetAndAWrongValueNamesTheVariable() {
    assertThat(ClerkSettings.from(Map.of("CLERK_HOME", home.toString())).diskMinFree()).isEqualTo(DataSize.ofGigabytes(1));
    assertThat(ClerkSettings.from(Map.of("CLERK_HOME", home.toString(), "CLERK_DISK_MIN_FREE", "500MB")).diskMinFree())
        .isEqualTo(DataSize.ofMegabytes(500));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ClerkSettings.from(Map.of("CLERK_HOME", home.toString(), "CLERK_DISK_MIN_FREE", "lots")))
        .hasMessage("CLERK_DISK_MIN_FREE=lots: expected a size (500MB, 1GB, 20GB)");
  }

  @Test
  void namesBothDirectoriesWithTheirFreeSpaceAndIsUpAboveTheThreshold() throws Exception {
    Path storage = Files.createDirectories(home.resolve("storage"));
    Path deploy = home.resolve("not-made-yet").resolve("deploy"); // measured where it will be made

    Health health = new DiskSpaceHealthIndicator(settings(storage, deploy, DataSize.ofMegabytes(1))).health();

    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(detail(health, "STORAGE_DIR")).containsEntry("path", storage.toAbsolutePath().toString());
    assertThat(detail(health, "DEPLOY_DIR")).containsEntry("path", deploy.toAbsolutePath().toString());
    assertThat((Long) detail(health, "STORAGE_DIR").get("free")).isGreaterThan(DataSize.ofMegabytes(1).toBytes());
    assertThat((Long) detail(health, "DEPLOY_DIR").get("free")).isPositive();
    assertThat(health.getDetails()).containsEntry("min_free", DataSize.ofMegabytes(1).toBytes()).doesNotContainKey("error");
  }

  @Test
  void isDownNamingTheDirectoriesWhenLessThanTheThresholdIsFree() throws Exception {
    Path storage = Files.createDirectories(home.resolve("storage"));
    Path deploy = Files.createDirectories(home.resolve("deploy"));
    long free = Files.getFileStore(storage).getUsableSpace();
    DataSize threshold = DataSize.ofBytes(free + DataSize.ofTerabytes(1000).toBytes());

    Health health = new DiskSpaceHealthIndicator(settings(storage, deploy, threshold)).health();

    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails().get("error").toString())
        .contains("STORAGE_DIR " + storage.toAbsolutePath() + " has ", "DEPLOY_DIR " + deploy.toAbsolutePath() + " has ")
        .contains("under CLERK_DISK_MIN_FREE");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> detail(Health health, String key) {
    return (Map<String, Object>) health.getDetails().get(key);
  }
}
