package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.wire.v1.LogChunk;
import io.kukeon.wire.v1.LogsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Iterator;

/** stdout and stderr of a cell's containers. */
@Command(name = "logs", aliases = "log", mixinStandardHelpOptions = true,
        description = "Print the output of a cell's containers (each line prefixed with its container unless --container).")
final class LogsCommand extends DaemonCommand {
    @Parameters(index = "0", paramLabel = "CELL")
    String cell;

    @Option(names = {"-c", "--container"}, paramLabel = "NAME", description = "Only this container.")
    String container;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output until interrupted.")
    boolean follow;

    @Option(names = "--tail", paramLabel = "N", defaultValue = "0", description = "Only the last N lines of each log (0: all).")
    int tail;

    @Mixin
    Scope scope;

    @Override
    void validate() {
        if (tail < 0) {
            throw usage("--tail must be 0 or more");
        }
    }

    @Override
    int run(DaemonConnection daemon) {
        Iterator<LogChunk> chunks = daemon.streams().logs(LogsRequest.newBuilder()
                .setPath(scope.path(Kind.CELL, cell, null).toString())
                .setContainer(container == null ? "" : container).setFollow(follow).setTailLines(tail).build());
        LogPrinter printer = new LogPrinter(out(), container == null);
        while (chunks.hasNext()) {
            LogChunk c = chunks.next();
            printer.accept(c.getContainer(), c.getData().toByteArray());
        }
        printer.finish();
        return 0;
    }
}
