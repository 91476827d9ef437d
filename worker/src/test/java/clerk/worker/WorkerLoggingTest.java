package clerk.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CLERK_LOG_FORMAT=json: every line the worker logs is a JSON object (ECS), from its first line. */
class WorkerLoggingTest {
  @TempDir Path dir;

  @Test
  void theJsonSwitchLogsEveryLineAsAnEcsObjectStackTracesInside() throws Exception {
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LoggingProbe.class.getName())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("CLERK_LOG_FORMAT", "json");
    builder.environment().put("CLERK_HOME", dir.toString());
    Process probe = builder.start();
    assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(probe.exitValue()).as(Files.readString(err)).isZero();

    assertThat(Files.readString(out)).as("stdout is the commands' output").isBlank();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        lines.add(new ObjectMapper().readTree(line)); // fails on any line that is not JSON
      }
    }
    assertThat(lines).extracting(l -> l.path("message").asText())
        .contains("before the application context", "in the application context", "a failure");
    JsonNode first = lines.get(0);
    assertThat(first.path("@timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*");
    assertThat(first.path("log").path("level").asText()).isEqualTo("INFO");
    assertThat(first.path("service").path("name").asText()).isEqualTo("clerk-worker");
    JsonNode failure = lines.get(lines.size() - 1);
    assertThat(failure.path("error").path("stack_trace").asText()).contains("IllegalStateException: boom");
  }
}
