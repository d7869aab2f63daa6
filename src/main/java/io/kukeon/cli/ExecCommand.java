package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.wire.v1.ExecInput;
import io.kukeon.wire.v1.ExecStart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * A process in a running container, as {@code docker exec} / {@code kubectl exec}: stdin, stdout
 * and stderr pass through unchanged (without -t, stdout and stderr stay apart), and kuke exits with
 * the process's exit code ({@link StdioCall}).
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = "Run a command in a running container of a cell; exits with the command's exit code.",
        footer = {"", "Examples:",
                "  # a command in the only container of cell web",
                "  kuke exec web -- ls -l /",
                "  # a shell with a terminal in its container sidecar",
                "  kuke exec web -c sidecar -it -- sh",
                "  # a file through stdin",
                "  kuke exec db -i -- sh -c 'cat > /tmp/dump.sql' < dump.sql"})
final class ExecCommand extends DaemonCommand {
    @Parameters(index = "0", paramLabel = "CELL")
    String cell;

    @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command;

    @Option(names = {"-c", "--container"}, paramLabel = "NAME",
            description = "The container (default: the cell's only one).")
    String container;

    @Option(names = {"-i", "--stdin"}, description = "Pass kuke's stdin to the command.")
    boolean stdin;

    @Option(names = {"-t", "--tty"}, description = "A terminal for the command (kuke's stdin must be one).")
    boolean tty;

    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE", description = "An environment variable (repeatable).")
    List<String> env = new ArrayList<>();

    @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "Working directory (default: the container's).")
    String workdir;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "uid[:gid] or names from the image (default: the container's).")
    String user;

    @Mixin
    Scope scope;

    @Override
    void validate() {
        for (String e : env) {
            if (e.indexOf('=') <= 0) {
                throw usage("-e " + e + ": must be KEY=VALUE");
            }
        }
        if (workdir != null && !workdir.startsWith("/")) {
            throw usage("-w " + workdir + ": must be an absolute path");
        }
    }

    @Override
    int run(DaemonConnection daemon) throws Exception {
        TerminalMode terminal = null;
        if (tty) {
            terminal = TerminalMode.ofStdin();
            if (terminal == null) {
                throw usage("-t needs a terminal on stdin (use -i alone to pipe data)");
            }
        }
        ExecStart.Builder start = ExecStart.newBuilder().setPath(scope.path(Kind.CELL, cell, null).toString())
                .setContainer(container == null ? "" : container).addAllCommand(command).addAllEnv(env)
                .setWorkingDir(workdir == null ? "" : workdir).setUser(user == null ? "" : user)
                .setStdin(stdin).setTty(tty);
        if (terminal != null) {
            start.setSize(StdioCall.size(terminal));
        }
        return StdioCall.run(kuke(), daemon.async()::exec, ExecInput.newBuilder().setStart(start).build(), terminal,
                stdin, null, out(), err());
    }
}
