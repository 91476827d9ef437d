package clerk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** clerk.jar's command line: the light commands plus worker and demo. */
class ClerkMainTest {
  @Test
  void workerAndDemoAreCommandsWithHelp() {
    CommandLine cli = ClerkMain.commandLine();
    assertThat(cli.getSubcommands()).containsKeys("worker", "demo", "status", "start");
    for (String command : List.of("worker", "demo")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      cli.setOut(new java.io.PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
      assertThat(cli.execute(command, "--help")).as(command).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: clerk " + command);
      // As ClerkCliTest asks of the light commands: paragraphs picocli wraps, each a whole sentence.
      for (String paragraph : cli.getSubcommands().get(command).getCommandSpec().usageMessage().description()) {
        assertThat(paragraph).as(command + ": " + paragraph).endsWith(".");
      }
    }
  }

  @Test
  void theInstalledBashCompletionIsTheGeneratedOne() throws Exception {
    // deploy/install.sh installs this file as /etc/bash_completion.d/clerk: regenerate it with
    // `bin/clerk completion bash > deploy/bash-completion/clerk` when the commands change.
    assertThat(Files.readString(Path.of("..", "deploy", "bash-completion", "clerk")))
        .isEqualTo(CompletionCommand.script(ClerkMain.commandLine()));
  }
}
