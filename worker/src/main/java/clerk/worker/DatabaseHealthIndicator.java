package clerk.worker;

import clerk.client.ClerkSettings;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component "db": whether PostgreSQL answers now, on a connection of its own
 * with short timeouts. Not through the pool: a pool busy with activities is back-pressure, not an
 * outage, and waiting for one of its connections made health take the pool's 5 s timeout when the
 * server was gone. Never throws: an unreachable server is DOWN with the driver's reason.
 */
@Component("db")
public class DatabaseHealthIndicator implements HealthIndicator {
  /** Seconds to connect, log in and answer; a stopped (SIGSTOP) server takes this long to be DOWN. */
  static final int TIMEOUT_SECONDS = 2;

  private final ClerkSettings settings;

  public DatabaseHealthIndicator(ClerkSettings settings) {
    this.settings = settings;
  }

  @Override
  public Health health() {
    try (Connection c = connect()) {
      if (!c.isValid(TIMEOUT_SECONDS)) {
        return Health.down().withDetail("error", "the database does not answer").build();
      }
      DatabaseMetaData meta = c.getMetaData();
      return Health.up()
          .withDetail("database", meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion())
          .build();
    } catch (SQLException | RuntimeException e) {
      return Health.down().withDetail("error", "database unreachable: " + e.getMessage()).build();
    }
  }

  /** Why the database cannot be used now, or empty when it answers. */
  public Optional<String> problem() {
    Health health = health();
    return health.getStatus().equals(Status.UP)
        ? Optional.empty()
        : Optional.of(String.valueOf(health.getDetails().get("error")));
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    if (settings.databaseUser() != null) {
      props.setProperty("user", settings.databaseUser());
    }
    if (settings.databasePassword() != null) {
      props.setProperty("password", settings.databasePassword());
    }
    props.setProperty("connectTimeout", String.valueOf(TIMEOUT_SECONDS));
    props.setProperty("loginTimeout", String.valueOf(TIMEOUT_SECONDS));
    props.setProperty("socketTimeout", String.valueOf(TIMEOUT_SECONDS));
    props.setProperty("ApplicationName", "clerk health");
    return DriverManager.getConnection(settings.databaseUrl(), props);
  }
}
