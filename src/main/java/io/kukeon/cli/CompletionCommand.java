package io.kukeon.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** A completion script, written from kuke's commands; object names come from kukeond as they are completed. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script: commands, options and the names of objects kukeond holds."},
        footer = {"%nExamples:",
                "  # bash, for this shell",
                "  source <(kuke completion bash)",
                "  # zsh, for this shell",
                "  source <(kuke completion zsh)",
                "  # fish, for every fish to come",
                "  kuke completion fish > ~/.config/fish/completions/kuke.fish"})
final class CompletionCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SHELL", description = "bash, zsh or fish.")
    Shell shell;

    @Spec
    CommandSpec spec;

    /** The shells, each with the file name its completion is installed under. */
    enum Shell {
        bash("kuke.bash"), zsh("_kuke"), fish("kuke.fish");

        final String fileName;

        Shell(String fileName) {
            this.fileName = fileName;
        }

        String script(picocli.CommandLine root) {
            switch (this) {
                case zsh: return "#compdef kuke\nautoload -U +X bashcompinit && bashcompinit\n" + BashCompletion.script(root);
                case fish: return FishCompletion.script(root);
                default: return BashCompletion.script(root);
            }
        }
    }

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(shell.script(spec.root().commandLine()));
        return 0;
    }
}
