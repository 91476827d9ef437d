package clerk.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code CLERK_HOME/worker.json}: which database and Temporal server a running worker uses, so that
 * {@code clerk status}, {@code clerk start} and friends find its embedded services with no settings.
 */
public class RuntimeFile {
  private static final Logger log = LoggerFactory.getLogger(RuntimeFile.class);
  private static final ObjectMapper json = new ObjectMapper();

  /**
   * What the file says. The embedded database's password is not in it: {@code databasePasswordFile}
   * names the file (mode 0600) that holds it, null for a configured database.
   */
  public record Worker(long pid, String databaseUrl, String databaseUser, String databasePasswordFile,
      String temporalAddress, String namespace, String http) {}

  private final ClerkSettings settings;

  public RuntimeFile(ClerkSettings settings) {
    this.settings = settings;
  }

  /**
   * Writes the file: called once the worker is ready (after start-up reconciliation).
   *
   * @param http the worker's HTTP base URL, null without a web server
   * @param passwordFile the embedded database's password file, null for a configured database
   */
  public void write(String http, Path passwordFile) {
    Worker worker = new Worker(ProcessHandle.current().pid(), settings.databaseUrl(), settings.databaseUser(),
        passwordFile == null ? null : passwordFile.toString(), settings.temporalAddress(), settings.namespace(), http);
    try {
      Files.createDirectories(settings.home());
      Path tmp = Files.createTempFile(settings.home(), "worker", ".json");
      json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), worker);
      Files.move(tmp, settings.runtimeFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      log.info("clerk worker ready (pid {}, database {}, Temporal {}, http {})",
          worker.pid(), worker.databaseUrl(), worker.temporalAddress(), http);
    } catch (IOException e) {
      log.warn("cannot write {}: {}", settings.runtimeFile(), e.getMessage());
    }
  }

  /** Deletes the file if this process wrote it: the worker stops. */
  public void delete() throws IOException {
    Optional<Worker> mine = read(settings.runtimeFile())
        .filter(w -> w.pid() == ProcessHandle.current().pid());
    if (mine.isPresent()) {
      Files.deleteIfExists(settings.runtimeFile());
    }
  }

  /** The worker the file names, if that process is still alive. */
  public static Optional<Worker> running(ClerkSettings settings) {
    return read(settings.runtimeFile())
        .filter(w -> ProcessHandle.of(w.pid()).map(ProcessHandle::isAlive).orElse(false));
  }

  private static Optional<Worker> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(json.readValue(file.toFile(), Worker.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

}
