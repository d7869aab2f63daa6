package io.kukeon.cli;

import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.kukeon.manifest.ManifestDocument;
import io.kukeon.manifest.ManifestReader;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.LogChunk;
import io.kukeon.wire.v1.LogsRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.ObjectResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code docker run} for a cell: make it (or take the one of that name), start it, and show its run
 * (its output to the end, or its terminal with {@code -it}); kuke exits with the workload's exit code.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Make a cell (as create cell does, or from a file with -f), start it and show its run: its",
                "output until it ends, or with -it its terminal (Ctrl-] twice detaches). kuke exits with the",
                "workload's exit code. A cell of that name that exists is started as it is.",
                "The command and its arguments go after --. Ctrl-C stops showing; the cell goes on."},
        footer = {"", "Examples:",
                "  # prints hi, exits 0 and leaves no cell",
                "  kuke run --rm --image docker.io/library/busybox:latest -- echo hi",
                "  # a shell on the container's terminal; Ctrl-] twice detaches",
                "  kuke run shell -it --image docker.io/library/busybox:latest -- sh",
                "  # the file's one Cell, started; kuke returns at once",
                "  kuke run -f job.yaml -d"})
final class RunCommand extends DaemonCommand {
    /** How long the end of a run is waited for after a start that says it failed (the workload may have run and exited). */
    static final long AFTER_FAILED_START_SECONDS = 10;
    private static final Set<String> RUNNING = Set.of("Ready", "Pending", "Degraded");

    @Parameters(paramLabel = "[NAME] [-- CMD ARGS...]",
            description = "The cell's name (generated when left out), then after -- the command and its arguments.")
    List<String> words = new ArrayList<>();

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", description = "A manifest with one Cell to make (instead of a source).")
    Path file;

    @Option(names = "--rm", description = "Delete the cell once its workloads have exited (spec.autoDelete).")
    boolean remove;

    @Option(names = {"-d", "--detach"}, description = "Start it and return at once.")
    boolean detach;

    @Option(names = {"-i", "--interactive"}, description = "With -t: attach to the container's terminal.")
    boolean interactive;

    @Option(names = {"-t", "--tty"}, description = "With -i: the container gets a terminal (attachable: true).")
    boolean tty;

    @Mixin
    CellSource made;

    private String name;
    private List<String> args = List.of();

    @Override
    void validate() {
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        int dash = original.indexOf("--");
        int after = dash < 0 ? 0 : original.size() - dash - 1;
        List<String> before = words.subList(0, words.size() - after);
        args = List.copyOf(words.subList(words.size() - after, words.size()));
        if (before.size() > 1) {
            throw usage("one NAME at most before --; the command goes after it: kuke run [NAME] --image IMAGE -- CMD ARGS...");
        }
        name = before.isEmpty() ? null : before.get(0);
        if (interactive != tty) {
            throw usage("-i and -t go together: kuke run attaches to the container's terminal (-it)");
        }
        if (file != null) {
            if (made.given() || name != null || !args.isEmpty()) {
                throw usage("-f takes the cell from the file: no NAME, source or command with it");
            }
            if (remove) {
                throw usage("--rm does not go with -f: set spec.autoDelete in the file");
            }
            return;
        }
        if (!made.given()) {
            throw usage("one of --image, --from-blueprint, --from-config, --clone or -f is required");
        }
        String mismatch = made.mismatch(!args.isEmpty());
        if (mismatch != null) {
            throw usage(mismatch);
        }
        if (tty && made.source.image == null) {
            throw usage("-it goes with --image or -f: a template's container says itself whether it is attachable");
        }
    }

    @Override
    int run(DaemonConnection daemon) throws Exception {
        ObjectResponse made = file != null ? createFromFile(daemon) : daemon.calls().materializeCell(
                this.made.request(name, args, tty).setAutoDelete(remove).build());
        ObjectDoc cell = made.getObject();
        ObjectPath path = ObjectPath.parse(cell.getPath());
        String what = "cell \"" + path.name() + "\"";
        if (!made.getCreated()) {
            if (remove && !cell.getCell().getAutoDelete()) {
                throw usage(what + " exists and is kept: --rm applies to a cell that kuke run makes");
            }
            if (RUNNING.contains(cell.getStatus().getState())) {
                if (!tty) {
                    err().println(what + " is already running: kuke logs -f " + path.name() + " shows its output");
                    return 1;
                }
                return attach(daemon, path);
            }
        }
        if (tty && !attachable(cell)) {
            throw usage(what + " has no attachable workload: -it needs attachable: true");
        }
        if (detach) {
            String failure = LifecycleCommand.notStarted(what, BringUpVerdicts.judged(daemon, start(daemon, path)));
            if (failure != null) {
                err().println(failure);
                return 1;
            }
            out().println(path.name());
            return 0;
        }
        if (tty) {
            String failure = LifecycleCommand.notStarted(what, BringUpVerdicts.judged(daemon, start(daemon, path)));
            if (failure != null) {
                err().println(failure);
                return 1;
            }
            return attach(daemon, path);
        }
        return showRun(daemon, path, what);
    }

    /** The cell of the file, made stopped; one of that name is left as it is. */
    private ObjectResponse createFromFile(DaemonConnection daemon) throws IOException {
        List<ManifestDocument> docs = ManifestReader.read(ApplyCommand.read(file.toString(), kuke().stdin()));
        List<TreeObject> cells = docs.stream().map(ManifestDocument::object)
                .filter(o -> o instanceof TreeObject.Cell).toList();
        if (cells.size() != 1 || docs.size() != 1) {
            throw usage(file + " must hold one Cell and nothing else (it holds " + docs.size() + " document"
                    + (docs.size() == 1 ? "" : "s") + ", " + cells.size() + " Cell" + (cells.size() == 1 ? "" : "s")
                    + "): kuke apply -f makes the rest");
        }
        return daemon.calls().create(CreateRequest.newBuilder().setObject(ObjectMapping.toProto(cells.get(0))).build());
    }

    private static boolean attachable(ObjectDoc cell) {
        String root = cell.getCell().getRootContainerId();
        return cell.getCell().getContainersList().stream()
                .anyMatch(c -> !c.getId().equals(root) && c.getAttachable());
    }

    private ObjectResponse start(DaemonConnection daemon, ObjectPath cell) {
        return LifecycleCommand.showingPulls(this, daemon, cell, true, () -> daemon.work().start(
                LifecycleRequest.newBuilder().setKind(Kind.CELL.displayName()).setPath(cell.toString()).build()));
    }

    private int attach(DaemonConnection daemon, ObjectPath cell) throws Exception {
        return AttachCommand.attach(this, daemon, cell, null);
    }

    /**
     * The workloads' next run from its beginning to its end: the read is watching before the start
     * is asked for, so nothing of it is missed, however soon it ends (and an auto-deleted cell goes).
     */
    private int showRun(DaemonConnection daemon, ObjectPath cell, String what) {
        Context.CancellableContext call = Context.current().withCancellation();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kuke-run-deadline");
            t.setDaemon(true);
            return t;
        });
        try {
            Iterator<LogChunk> chunks;
            Context outer = call.attach();   // the call is cancelled with it
            try {
                chunks = daemon.streams().logs(LogsRequest.newBuilder().setPath(cell.toString()).setNextRun(true).build());
            } finally {
                call.detach(outer);
            }
            chunks.next();   // watching
            RuntimeException startError = null;
            String failure = null;
            try {
                ObjectResponse started = start(daemon, cell);
                failure = LifecycleCommand.notStarted(what, started);
                if (failure != null && !ran(started)) {
                    err().println(failure);
                    return 1;
                }
            } catch (StatusRuntimeException e) {
                startError = e;   // e.g. the cell already done and deleted: its run tells
            }
            if (failure != null || startError != null) {
                timer.schedule(() -> call.cancel(null), AFTER_FAILED_START_SECONDS, TimeUnit.SECONDS);
            }
            Map<String, Integer> exits = new LinkedHashMap<>();
            LogPrinter printer = new LogPrinter(out(), false);
            try {
                while (chunks.hasNext()) {
                    LogChunk c = chunks.next();
                    if (c.getRunEnded()) {
                        exits.put(c.getContainer(), c.getExitCode());
                    } else {
                        printer.accept(c.getContainer(), c.getData().toByteArray());
                    }
                }
            } catch (StatusRuntimeException cut) {
                if (exits.isEmpty() && startError == null && failure == null) {
                    throw cut;
                }
            }
            printer.finish();
            if (exits.isEmpty()) {
                if (startError != null) {
                    throw startError;
                }
                err().println(failure);
                return 1;
            }
            return exitCode(exits);
        } finally {
            call.cancel(null);
            timer.shutdownNow();
        }
    }

    /** Whether a workload of the cell a start answered for ran (and exited): its run is there to show. */
    private static boolean ran(ObjectResponse started) {
        return started.getObject().getStatus().getContainersList().stream().anyMatch(ContainerStatus::hasExitCode);
    }

    /** The workload's, or with several the first that is not 0; a run whose exit was not recorded is a failure. */
    private int exitCode(Map<String, Integer> exits) {
        for (Map.Entry<String, Integer> e : exits.entrySet()) {
            if (e.getValue() < 0) {
                err().println("container \"" + e.getKey() + "\": its exit was not recorded (its task was lost)");
                return 1;
            }
        }
        return exits.values().stream().filter(code -> code != 0).findFirst().orElse(0);
    }
}
