package clerk.activities.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Connections and schema: the one place that knows how clerk talks to PostgreSQL. */
public final class Database {
  private Database() {}

  /** A pooled data source for a JDBC URL such as {@code jdbc:postgresql://host:5432/clerk?user=clerk}. */
  public static HikariDataSource connect(String jdbcUrl, String user, String password, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    if (user != null && !user.isBlank()) {
      config.setUsername(user);
    }
    if (password != null && !password.isBlank()) {
      config.setPassword(password);
    }
    // A batch of inserts goes as multi-row statements: fewer round trips, and the counters' trigger
    // (per statement) runs once per statement, not once per row.
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("clerk");
    // Fail fast at start-up with a clear message instead of hanging on a wrong URL.
    config.setInitializationFailTimeout(30_000);
    // The pool is larger than the activities that use it, so a long wait means the server is gone:
    // fail the attempt soon and let Temporal retry (and the pipeline wait out the outage).
    config.setConnectionTimeout(5_000);
    return new HikariDataSource(config);
  }

  /** Applies the Flyway migrations under {@code db/migration}; safe to run at every start. */
  public static MigrateResult migrate(DataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}
