package clerk.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the script that completes clerk's commands and options in bash or zsh.",
      "bash: deploy/install.sh installs it as /etc/bash_completion.d/clerk; or 'source <(clerk completion"
          + " bash)' in ~/.bashrc. zsh: 'source <(clerk completion zsh)' in ~/.zshrc (the script loads"
          + " zsh's bashcompinit)."
    })
final class CompletionCommand implements Callable<Integer> {
  enum Shell { bash, zsh }

  @Parameters(paramLabel = "SHELL", description = "bash or zsh")
  Shell shell;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    // picocli's script serves both: under zsh it loads bashcompinit itself.
    System.out.print(script(spec.root().commandLine()));
    return 0;
  }

  static String script(CommandLine clerk) {
    return AutoComplete.bash("clerk", clerk);
  }
}
