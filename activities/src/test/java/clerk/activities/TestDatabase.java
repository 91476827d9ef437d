package clerk.activities;

import clerk.activities.db.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server for tests: one embedded server per test JVM, a fresh migrated database per
 * call to {@link #fresh()}.
 */
public final class TestDatabase {
  private static EmbeddedPostgres server;
  private static final AtomicInteger counter = new AtomicInteger();

  private TestDatabase() {}

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (IOException ignored) {
          // the JVM is going away
        }
      }));
    }
    return server;
  }

  /** A new, empty, migrated database. */
  public static DataSource fresh() {
    EmbeddedPostgres pg = server();
    String name = "clerk_test_" + counter.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    DataSource ds = Database.connect(pg.getJdbcUrl("postgres", name), null, null, 4);
    Database.migrate(ds);
    return ds;
  }
}
