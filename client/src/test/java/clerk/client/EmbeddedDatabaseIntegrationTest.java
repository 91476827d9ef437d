package clerk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL is clerk's alone: it listens on 127.0.0.1 only, has no Unix socket, and
 * refuses every connection without its password, which is random and readable by clerk's user only. A
 * data directory made before passwords keeps its data and gets one.
 */
class EmbeddedDatabaseIntegrationTest {
  @TempDir Path home;

  @Test
  void aNewServerRefusesConnectionsWithoutItsPasswordAndListensOnLoopbackOnly() throws Exception {
    int port = freePort();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    String password;
    try (EmbeddedDatabase db = EmbeddedDatabase.start(home, port)) {
      password = db.password();
      Path file = EmbeddedDatabase.passwordFile(home);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      assertThat(password).isEqualTo(PasswordFile.read(file)).hasSizeGreaterThanOrEqualTo(40);
      assertThat(Files.readString(home.resolve("postgres/pg_hba.conf"))).isEqualTo(EmbeddedDatabase.PG_HBA);

      assertRefused(url, "");
      assertRefused(url, "wrong");
      try (Connection c = DriverManager.getConnection(url, db.user(), password)) {
        assertThat(setting(c, "listen_addresses")).isEqualTo("127.0.0.1");
        assertThat(setting(c, "unix_socket_directories")).as("no Unix socket").isEmpty();
        assertThat(setting(c, "password_encryption")).isEqualTo("scram-sha-256");
        assertThat(setting(c, "fsync")).as("durable, unlike zonky's test defaults").isEqualTo("on");
        assertThat(setting(c, "synchronous_commit")).isEqualTo("on");
      }
    }
    // The next start keeps the password and still requires it.
    try (EmbeddedDatabase db = EmbeddedDatabase.start(home, port)) {
      assertThat(db.password()).isEqualTo(password);
      assertRefused(url, "");
      try (Connection c = DriverManager.getConnection(url, db.user(), password)) {
        assertThat(c.isValid(5)).isTrue();
      }
    }
  }

  @Test
  void aDataDirectoryFromBeforePasswordsKeepsItsDataAndRequiresAPasswordFromNowOn() throws Exception {
    int port = freePort();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    // As the worker made it before this change: initdb's "trust" for every local connection.
    try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(home.resolve("postgres"))
        .setCleanDataDirectory(false).setPort(port).start();
        Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)");
    }
    assertThat(Files.readString(home.resolve("postgres/pg_hba.conf"))).contains("trust");

    try (EmbeddedDatabase db = EmbeddedDatabase.start(home, port)) {
      assertRefused(url, "");
      assertThat(Files.readString(home.resolve("postgres/pg_hba.conf"))).isEqualTo(EmbeddedDatabase.PG_HBA);
      assertThat(kept(url, db.password())).isEqualTo(42);
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.start(home, port)) {
      assertRefused(url, "");
      assertThat(kept(url, db.password())).as("the next start is an ordinary one").isEqualTo(42);
    }
  }

  static void assertRefused(String url, String password) {
    assertThatThrownBy(() -> DriverManager.getConnection(url, EmbeddedDatabase.USER, password).close())
        .as("a connection with password '" + password + "'")
        .isInstanceOf(SQLException.class);
  }

  static String setting(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW " + name)) {
      r.next();
      return r.getString(1);
    }
  }

  static int kept(String url, String password) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, EmbeddedDatabase.USER, password);
        Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT id FROM kept")) {
      r.next();
      return r.getInt(1);
    }
  }

  static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
