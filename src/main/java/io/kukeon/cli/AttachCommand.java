package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.wire.v1.ExecInput;
import io.kukeon.wire.v1.ExecStart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The terminal of an attachable container, as {@code docker attach}: its screen and keys here until
 * Ctrl-] twice detaches (the container goes on) or its process ends (kuke exits with its code).
 */
@Command(name = "attach", aliases = "att", mixinStandardHelpOptions = true,
        description = {"Attach to the terminal of an attachable container (attachable: true) of a cell.",
                "Ctrl-] twice detaches and leaves it running; when its process ends, kuke exits with its code."},
        footer = {"", "Examples:",
                "  # the terminal of the attachable container of cell shell",
                "  kuke attach shell",
                "  # of container editor of cell dev in realm work",
                "  kuke attach dev -c editor --realm work"})
final class AttachCommand extends DaemonCommand {
    /** The reference's detach keys: Ctrl-] Ctrl-]. */
    static final byte[] DETACH_KEYS = {0x1d, 0x1d};

    @Parameters(index = "0", paramLabel = "CELL")
    String cell;

    @Option(names = {"-c", "--container"}, paramLabel = "NAME", description = "The container (default: the cell's only one).")
    String container;

    @Mixin
    Scope scope;

    @Override
    int run(DaemonConnection daemon) throws Exception {
        return attach(this, daemon, scope.path(Kind.CELL, cell, null), container);
    }

    /** Attaches {@code command}'s terminal to the container's (null: the cell's only workload) until it detaches or the process ends. */
    static int attach(DaemonCommand command, DaemonConnection daemon, ObjectPath cell, String container) throws Exception {
        TerminalMode terminal = TerminalMode.ofStdin();
        ExecStart.Builder start = ExecStart.newBuilder().setPath(cell.toString())
                .setContainer(container == null ? "" : container);
        if (terminal != null) {
            start.setSize(StdioCall.size(terminal));
        }
        int code = StdioCall.run(command.kuke(), daemon.async()::attach, ExecInput.newBuilder().setStart(start).build(), terminal,
                true, terminal == null ? null : DETACH_KEYS, command.out(), command.err());
        if (code == StdioCall.DETACHED) {
            command.err().println("detached from cell \"" + cell.name() + "\"; it goes on (kuke attach " + cell.name() + " to come back)");
            return 0;
        }
        return code;
    }
}
