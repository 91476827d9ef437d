package clerk.worker;

import clerk.client.RuntimeFile;
import clerk.client.PasswordFile;
import clerk.client.ClerkSettings;
import clerk.activities.db.Database;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Settings of a worker under test: its own CLERK_HOME, free ports for its embedded servers. */
final class TestWorkers {
  private TestWorkers() {}

  /** Embedded PostgreSQL and Temporal on free ports, HTTP on a free port, plus {@code extra} pairs. */
  static ClerkSettings embedded(Path home, String... extra) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("CLERK_HOME", home.toString());
    env.put("CLERK_EMBEDDED_DATABASE_PORT", String.valueOf(freePort()));
    env.put("CLERK_EMBEDDED_TEMPORAL_PORT", String.valueOf(freePort()));
    env.put("CLERK_HTTP_PORT", "0");
    for (int i = 0; i + 1 < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return ClerkSettings.from(env);
  }

  /** A pool on the database of a worker running in another JVM, as the CLI connects to it. */
  static HikariDataSource connect(RuntimeFile.Worker running) {
    return Database.connect(running.databaseUrl(), running.databaseUser(),
        PasswordFile.read(Path.of(running.databasePasswordFile())), 2);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
