package io.kukeon.api;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.runtime.ContainerLogDir;
import io.kukeon.supervisor.container.ContainerEvent;
import io.kukeon.wire.v1.LogChunk;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * {@code Logs} with {@code next_run} ({@code kuke run}): the run of each workload that the next
 * start makes, from its beginning to its end (the logger's mark, or a second after the exit was
 * journaled), then each one's exit code from the journal. Set up
 * before the first message (which says so): the log files there are passed over, the journal's
 * position noted, and the log directories held, so that an auto-deleted cell's delete, which can
 * come before a file of the run was opened, leaves them until the read is over.
 */
final class RunLogs {
    /** How long the exit of a container whose output ended is waited for in the journal. */
    static final Duration EXIT_WAIT = Duration.ofSeconds(30);
    /**
     * How long after its exit is journaled a run is over without the logger's mark: the output a
     * process wrote before it exited was in the pipe then, and the logger writes it in milliseconds.
     */
    static final Duration QUIET = Duration.ofSeconds(1);
    static final LogChunk WATCHING = LogChunk.getDefaultInstance();

    private final JournalQueries journal;
    private final Path logRoot;
    private final Executor reads;

    RunLogs(JournalQueries journal, Path logRoot, Executor reads) {
        this.journal = journal;
        this.logRoot = logRoot;
        this.reads = reads;
    }

    Source<LogChunk, NotUsed> of(TreeObject.Cell cell, String container, LogQuery query) {
        Set<String> workloads = cell.spec().workloads().stream().map(c -> c.id()).collect(Collectors.toSet());
        if (!container.isEmpty() && !workloads.contains(container) && cell.spec().containers().stream()
                .anyMatch(c -> c.id().equals(container))) {
            throw new InvalidArgumentException("container", "\"" + container + "\" is the cell's root container: it runs as long as the cell");
        }
        Map<String, ContainerLogDir> dirs = LogFiles.of(cell, container);
        dirs.keySet().retainAll(workloads);
        if (dirs.isEmpty()) {
            throw new InvalidArgumentException("path", "cell \"" + cell.path().name() + "\" has no workload whose run to read");
        }
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> Run.open(cell.path(), dirs, query, logRoot, journal), reads);
        return Source.completionStage(run)
                .flatMapConcat(r -> Source.single(WATCHING)
                        .concat(LogStream.toTheirEnd(r.cursors))
                        .concat(Source.from(r.containers).flatMapConcat(c -> Source.completionStage(exit(c)))))
                .watchTermination((mat, done) -> {
                    done.whenComplete((d, e) -> run.thenAccept(Run::close));
                    return NotUsed.getInstance();
                });
    }

    /** The container's exit after the start, as the journal says it (waited for {@link #EXIT_WAIT} once its output ended). */
    private static CompletionStage<LogChunk> exit(Watched c) {
        LogChunk.Builder chunk = LogChunk.newBuilder().setContainer(c.name).setRunEnded(true).setExitCode(-1);
        return c.exit.applyToEither(CompletableFuture.runAsync(() -> { },
                        CompletableFuture.delayedExecutor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)).thenApply(x -> null),
                        exited -> exited)
                .handle((exited, e) -> (exited == null ? chunk : chunk.setExitCode(Math.max(-1, exited.exitCode()))).build());
    }

    /**
     * One workload's run being read.
     *
     * @param exit its exit, when the journal has it
     * @param seen when kukeond saw it journaled (nanoTime; 0: not yet)
     */
    private record Watched(String name, CompletableFuture<ContainerEvent.TaskExited> exit, AtomicLong seen) {
        /** Exited {@link #QUIET} ago: what it wrote before its end went through the logger by now. */
        boolean over() {
            long at = seen.get();
            return at != 0 && System.nanoTime() - at >= QUIET.toNanos();
        }
    }

    /** What one read holds: its cursors and the directories, let go once (closed by the stream's end, however it ends). */
    private static final class Run {
        final List<Watched> containers = new ArrayList<>();
        final List<LogCursor> cursors = new ArrayList<>();
        final List<ContainerLogDir.Reader> holds = new ArrayList<>();
        final List<UniqueKillSwitch> exitWaits = new ArrayList<>();
        private boolean closed;

        static Run open(ObjectPath cell, Map<String, ContainerLogDir> dirs, LogQuery query, Path logRoot, JournalQueries journal) {
            Run run = new Run();
            try {
                for (Map.Entry<String, ContainerLogDir> d : dirs.entrySet()) {
                    ObjectPath path = cell.child(d.getKey());
                    run.holds.add(d.getValue().read(logRoot));
                    AtomicLong seen = new AtomicLong();
                    Pair<UniqueKillSwitch, CompletionStage<ContainerEvent.TaskExited>> waiting = journal.nextEvent(path,
                            journal.lastSequenceNr(path), ContainerEvent.TaskExited.class);
                    run.exitWaits.add(waiting.first());
                    CompletableFuture<ContainerEvent.TaskExited> exit = waiting.second().toCompletableFuture();
                    exit.thenRun(() -> seen.set(System.nanoTime()));
                    Watched watched = new Watched(d.getKey(), exit, seen);
                    run.containers.add(watched);
                    run.cursors.add(new LogCursor(d.getKey(), d.getValue(), query, watched::over));
                }
                return run;
            } catch (IOException e) {
                run.close();
                throw new UncheckedIOException("cannot read the log of " + cell + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                run.close();
                throw e;
            }
        }

        synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            exitWaits.forEach(UniqueKillSwitch::shutdown);
            cursors.forEach(LogCursor::close);
            for (ContainerLogDir.Reader hold : holds) {
                try {
                    hold.close();
                } catch (IOException e) {
                    // a marker left is removed at kukeond's next start
                }
            }
        }
    }
}
