package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.wire.v1.LogChunk;
import io.kukeon.wire.v1.LogsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import picocli.CommandLine;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;

/** stdout and stderr of a cell's containers. */
@Command(name = "logs", aliases = "log", mixinStandardHelpOptions = true,
        description = "Print the output of a cell's containers (each line prefixed with its container unless --container).",
        footer = {"%nExamples:",
                "  # the output of every container of cell web",
                "  kuke logs web",
                "  # container app of it, following",
                "  kuke logs web -c app -f",
                "  # the last 100 lines of the last 10 minutes, with their times",
                "  kuke logs web --tail 100 --since 10m --timestamps"})
final class LogsCommand extends DaemonCommand {
    @Parameters(index = "0", paramLabel = "CELL")
    String cell;

    @Option(names = {"-c", "--container"}, paramLabel = "NAME", description = "Only this container.")
    String container;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output until interrupted.")
    boolean follow;

    @Option(names = "--tail", paramLabel = "N", defaultValue = "0", description = "Only the last N lines of each log (0: all).")
    int tail;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "Only lines written since then: a duration back from now (30s, 10m, 2h, 1d) or an RFC 3339 time.")
    String since;

    @Option(names = "--timestamps", description = "Begin each line with the time it was written (RFC 3339, UTC).")
    boolean timestamps;

    @Option(names = {"-p", "--previous"}, description = "The output of the run before the container's last start.")
    boolean previous;

    @Option(names = "--stream", paramLabel = "stdout|stderr", description = "Only this stream (default: both, in the order written).")
    String stream;

    @Mixin
    Scope scope;

    @Override
    void validate() {
        if (tail < 0) {
            throw usage("--tail must be 0 or more");
        }
        if (stream != null && !stream.equals("stdout") && !stream.equals("stderr")) {
            throw usage("--stream must be stdout or stderr");
        }
        if (previous && follow) {
            throw usage("--previous cannot be followed (-f): that run is over");
        }
        sinceTime();
    }

    /** --since as an RFC 3339 time: a duration counts back from now. */
    private String sinceTime() {
        if (since == null) {
            return "";
        }
        try {
            return Instant.parse(since).toString();
        } catch (DateTimeParseException notATime) {
            try {
                return Instant.now().minus(Durations.parse(since)).toString();
            } catch (CommandLine.TypeConversionException notADuration) {
                try {
                    return OffsetDateTime.parse(since).toInstant().toString();
                } catch (DateTimeParseException neither) {
                    throw usage("--since '" + since + "' is neither a duration (30s, 10m, 2h, 1d) nor an RFC 3339 time"
                            + " (2026-01-02T15:04:05Z)");
                }
            }
        }
    }

    @Override
    int run(DaemonConnection daemon) {
        Iterator<LogChunk> chunks = daemon.streams().logs(LogsRequest.newBuilder()
                .setPath(scope.path(Kind.CELL, cell, null).toString())
                .setContainer(container == null ? "" : container).setFollow(follow).setTailLines(tail)
                .setSince(sinceTime()).setTimestamps(timestamps).setPrevious(previous).setStream(stream == null ? "" : stream).build());
        LogPrinter printer = new LogPrinter(out(), container == null);
        while (chunks.hasNext()) {
            LogChunk c = chunks.next();
            printer.accept(c.getContainer(), c.getData().toByteArray());
        }
        printer.finish();
        return 0;
    }
}
