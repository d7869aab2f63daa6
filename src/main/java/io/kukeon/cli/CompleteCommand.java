package io.kukeon.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kuke __complete -- WORD...}, for the completion scripts: the names kukeond holds for the last
 * word of a command line (the words after {@code kuke}), one a line. Quiet and quick: nothing and
 * exit 0 whatever goes wrong (no daemon, a bad scope, no answer within {@link #DEADLINE_MILLIS}).
 */
@Command(name = "__complete", hidden = true, description = "Object names for completion scripts.")
final class CompleteCommand implements Callable<Integer> {
    /** Someone is waiting at a TAB. */
    static final long DEADLINE_MILLIS = 2000;

    @Parameters(arity = "0..*", paramLabel = "WORD")
    List<String> words = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            CompletionLine line = CompletionLine.read(spec.root(), words);
            NameSource source = line.completing() == null ? null : NameSource.of(line.command(), line.completing());
            if (source == null) {
                return Kuke.OK;
            }
            Kuke kuke = (Kuke) spec.root().userObject();
            try (DaemonConnection daemon = Kuke.connect(kuke.settings(line.options().get("--host"),
                    line.options().get("--token-file")))) {
                List<String> names = ObjectNames.list(daemon.quick(DEADLINE_MILLIS), source, line);
                names.forEach(spec.commandLine().getOut()::println);
            }
        } catch (RuntimeException | LinkageError quiet) {
            // a completion that cannot be had is no completion, never a message in the middle of a command line
        }
        return Kuke.OK;
    }
}
