package io.kukeon.api;

import com.google.protobuf.ByteString;
import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.HostIds;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.TreeObject;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.ExecRequest;
import io.kukeon.runtime.RunningExec;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.supervisor.SupervisorTree;
import io.kukeon.wire.v1.ExecExit;
import io.kukeon.wire.v1.ExecInput;
import io.kukeon.wire.v1.ExecOutput;
import io.kukeon.wire.v1.ExecStart;
import io.kukeon.wire.v1.TerminalSize;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.japi.Pair;
import java.util.stream.Collectors;

/**
 * {@code kuke exec}: a process in a running container, its stdin, stdout and stderr streamed both
 * ways over one call at the pace of each side (a full pipe holds the client's next message back; a
 * slow client holds the next read back). The process is killed and its pipes removed when the call
 * ends in any way: its exit, the client going away, kukeond stopping. A kukeond that dies leaves the
 * pipes' directory, which names the process to end at the next start.
 *
 * <p>Not through the container's actor: an exec changes nothing the journal keeps, and it dies with
 * the task it runs in.
 */
public final class ExecService {
    private static final Logger LOG = LoggerFactory.getLogger(ExecService.class);
    /** Execs at once, on the whole host. */
    static final int MAX_EXECS = 64;
    /**
     * Threads per exec: three may block for as long as the exec lasts (the reads of stdout and
     * stderr, a write of stdin), the fourth serves its short calls (start, resize, close).
     */
    private static final int THREADS_PER_EXEC = 4;
    /** Short calls waiting for a thread, on the whole host. */
    private static final int QUEUED_CALLS = 1024;
    static final int MAX_STDIN_MESSAGE = 1 << 20;
    private static final int CHUNK = 32 * 1024;
    /** After the process's exit, output is cut once every read has waited this long: a child it left holds the pipe. */
    static final long DRAIN_AFTER_EXIT_MILLIS = 2_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SupervisorTree tree;
    private final HostIds ids;
    private final ContainerRuntime runtime;
    private final Path execDir;
    private final Materializer materializer;
    private final Semaphore slots = new Semaphore(MAX_EXECS);
    private final ExecutorService io;

    /** @param execDir where each exec's pipes live, in {@code <namespace>/<containerd id>/<exec id>} */
    public ExecService(SupervisorTree tree, HostIds ids, ContainerRuntime runtime, Path execDir, Materializer materializer) {
        this.tree = tree;
        this.ids = ids;
        this.runtime = runtime;
        this.execDir = execDir;
        this.materializer = materializer;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_EXECS * THREADS_PER_EXEC, MAX_EXECS * THREADS_PER_EXEC,
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(QUEUED_CALLS), r -> {
                    Thread t = new Thread(r, "kukeon-exec-io-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);   // no exec, no thread
        this.io = pool;
    }

    /** Ends what the execs of a kukeond that died left running; containerd not answering is said in one line. */
    public void endLeftovers() {
        try {
            int ended = runtime.endLeftoverExecs(execDir);
            if (ended > 0) {
                LOG.info("ended {} exec processes left by the previous kukeond", ended);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not end the exec processes left by the previous kukeond: {}", e.getMessage());
        }
    }

    public Source<ExecOutput, NotUsed> exec(Source<ExecInput, NotUsed> in) {
        return in.prefixAndTail(1).flatMapConcat(first -> {
            ExecStart start = startOf(first.first());
            return Source.completionStage(target(start)).flatMapConcat(target -> run(request(start, target), first.second()));
        }).mapMaterializedValue(m -> NotUsed.getInstance());
    }

    /** kuke attach: the terminal of an attachable container; the call's end detaches. */
    public Source<ExecOutput, NotUsed> attach(Source<ExecInput, NotUsed> in) {
        return in.prefixAndTail(1).flatMapConcat(first -> {
            ExecStart start = attachStartOf(first.first());
            return Source.completionStage(target(start)).flatMapConcat(target -> {
                if (!target.spec().attachable()) {
                    throw new FailedPreconditionException("NotAttachable", "container \"" + target.spec().id()
                            + "\" has no terminal to attach to: set attachable: true in its spec (kuke exec -it runs a shell in it)");
                }
                acquireSlot();
                CompletableFuture<RunningExec> attached = CompletableFuture.supplyAsync(
                        () -> runtime.attach(target.namespace(), target.containerdId()), io);
                attached.whenComplete((terminal, failure) -> {
                    if (failure != null) {
                        slots.release();
                    }
                });
                return Source.completionStage(attached).flatMapConcat(terminal -> {
                    if (start.getSize().getWidth() > 0 && start.getSize().getHeight() > 0) {
                        io.execute(() -> terminal.resize(start.getSize().getWidth(), start.getSize().getHeight()));
                    }
                    return streaming(terminal, false, false, first.second(), () -> {
                        try {
                            terminal.close();
                        } finally {
                            slots.release();
                        }
                    });
                });
            });
        }).mapMaterializedValue(m -> NotUsed.getInstance());
    }

    /** The call's first message, which must be its start. */
    private static ExecStart firstStart(List<ExecInput> first, String call) {
        if (first.isEmpty() || !first.get(0).hasStart()) {
            throw new InvalidArgumentException("start", "the first message of an " + call + " must be its start");
        }
        return first.get(0).getStart();
    }

    private static ExecStart attachStartOf(List<ExecInput> first) {
        ExecStart start = firstStart(first, "attach");
        if (start.getCommandCount() > 0 || start.getEnvCount() > 0 || !start.getWorkingDir().isEmpty()
                || !start.getUser().isEmpty() || start.getStdin() || start.getTty()) {
            throw new InvalidArgumentException("start", "an attach names the cell, the container and the terminal's size"
                    + " only (command, env, working_dir, user, stdin and tty are an exec's)");
        }
        checkSize(start.getSize());
        return start;
    }

    private static void checkSize(TerminalSize size) {
        if (size.getWidth() > 65_535 || size.getHeight() > 65_535) {
            throw new InvalidArgumentException("size", "width and height are at most 65535");
        }
    }

    private void acquireSlot() {
        if (!slots.tryAcquire()) {
            throw new ResourceExhaustedException(MAX_EXECS + " execs and attaches are running on this host, the most at once");
        }
    }

    private static ExecStart startOf(List<ExecInput> first) {
        ExecStart start = firstStart(first, "exec");
        if (start.getCommandCount() == 0) {
            throw new InvalidArgumentException("command", "is required: the command to run and its arguments");
        }
        List<String> command = start.getCommandList();
        ContainerSpec.validateProcess("exec", command.get(0), command.subList(1, command.size()), start.getEnvList(),
                blankToNull(start.getWorkingDir()), blankToNull(start.getUser()));
        checkSize(start.getSize());
        return start;
    }

    /** A running container as the runtime knows it, and its spec. */
    private record Target(String namespace, String containerdId, ContainerSpec spec) {}

    /** The container the start names, which must be running. */
    private CompletionStage<Target> target(ExecStart start) {
        ObjectPath cellPath = Validation.path("Cell", start.getPath());
        return tree.get(cellPath).thenCompose(cellReply -> {
            TreeObject.Cell cell = (TreeObject.Cell) cellReply.object();
            String name = containerName(cell, start.getContainer());
            ContainerStatus status = cell.status().containers().stream().filter(c -> c.name().equals(name)).findFirst()
                    .orElse(null);
            if (status == null || status.state() != ContainerState.Ready) {
                throw new FailedPreconditionException("NotRunning", "container \"" + name + "\" of cell \"" + cellPath
                        + "\" is not running (" + (status == null ? "no status" : status.state().name())
                        + "): start the cell first");
            }
            ContainerSpec spec = cell.spec().containers().stream().filter(c -> c.id().equals(name)).findFirst().orElseThrow();
            ObjectPath container = cellPath.child(name);
            return tree.get(cellPath.ancestor(Kind.REALM)).thenApply(realmReply -> {
                TreeObject.Realm realm = (TreeObject.Realm) realmReply.object();
                String namespace = realm.spec().namespace() != null ? realm.spec().namespace() : ids.namespace(realm.path().name());
                return new Target(namespace, ids.containerdId(container), spec);
            });
        });
    }

    private ExecRequest request(ExecStart start, Target target) {
        String execId = "kuke-exec-" + HexFormat.of().formatHex(bytes(6));
        return new ExecRequest(target.namespace(), target.containerdId(), execId, start.getCommandList(), start.getEnvList(),
                blankToNull(start.getWorkingDir()), blankToNull(start.getUser()), start.getStdin(), start.getTty(),
                start.getSize().getWidth(), start.getSize().getHeight(),
                execDir.resolve(target.namespace()).resolve(target.containerdId()).resolve(execId));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /**
     * The container asked for, else the cell's {@code tty.default}, else its only one (its pause root
     * aside); a clear error otherwise.
     */
    static String containerName(TreeObject.Cell cell, String asked) {
        List<String> names = cell.spec().containers().stream().map(ContainerSpec::id).collect(Collectors.toList());
        if (!asked.isEmpty()) {
            if (!names.contains(asked)) {
                throw new NotFoundException("container \"" + asked + "\" not found in cell \"" + cell.path().name()
                        + "\"; it has " + String.join(", ", names), Kind.CONTAINER);
            }
            return asked;
        }
        if (cell.spec().ttyDefault() != null) {
            return cell.spec().ttyDefault();
        }
        List<String> workloads = cell.spec().containers().stream().filter(c -> !CellSpec.isPauseRoot(c))
                .map(ContainerSpec::id).collect(Collectors.toList());
        if (workloads.size() != 1) {
            throw new InvalidArgumentException("container", "cell \"" + cell.path().name() + "\" has "
                    + workloads.size() + " containers (" + String.join(", ", workloads) + "): name one with -c, or set the cell's tty.default");
        }
        return workloads.get(0);
    }

    private Source<ExecOutput, NotUsed> run(ExecRequest request, Source<ExecInput, NotUsed> input) {
        acquireSlot();
        CompletableFuture<RunningExec> started = CompletableFuture.supplyAsync(() -> runtime.exec(request), io);
        return Source.completionStage(started.handle(Started::new)).flatMapConcat(s -> {
            if (s.failure() != null) {
                slots.release();
                return Source.single(notRun(unwrap(s.failure())));
            }
            return streaming(s.exec(), !request.tty(), request.stdin(), input, () -> end(request, s.exec()));
        });
    }

    private record Started(RunningExec exec, Throwable failure) {}

    /**
     * A shell's answer to a command it cannot run (127 not found, 126 found but not runnable), with
     * runc's reason; any other failure is the call's.
     */
    private static ExecOutput notRun(RuntimeException failure) {
        String kind = failure instanceof RuntimeFailure ? ((RuntimeFailure) failure).kind() : "";
        int code;
        if (RuntimeFailure.COMMAND_NOT_FOUND.equals(kind)) {
            code = 127;
        } else if (RuntimeFailure.COMMAND_CANNOT_RUN.equals(kind)) {
            code = 126;
        } else {
            throw failure;
        }
        return ExecOutput.newBuilder().setExit(ExecExit.newBuilder().setCode(code).setReason(failure.getMessage())).build();
    }

    /**
     * The call's two directions: the client's messages to the process as it takes them, its output
     * (and stderr when {@code withStderr}) then its exit to the client; {@code end} once either side is done.
     *
     * @param closeStdinAtEnd the client's end of input is the process's end of stdin
     */
    private Source<ExecOutput, NotUsed> streaming(RunningExec exec, boolean withStderr, boolean closeStdinAtEnd,
                                                  Source<ExecInput, NotUsed> input, Runnable end) {
        SharedKillSwitch badInput = KillSwitches.shared("exec-input");
        input.mapAsync(1, message -> CompletableFuture.runAsync(() -> take(exec, message), io))
                .runWith(Sink.ignore(), materializer)
                .whenComplete((done, failure) -> {
                    if (failure == null) {
                        if (closeStdinAtEnd) {
                            io.execute(exec::closeStdin);   // the client's stdin ended
                        }
                    } else if (unwrap(failure) instanceof InvalidArgumentException) {
                        badInput.abort(unwrap(failure));
                    }
                    // a client gone is seen by the output too, which ends the exec
                });
        OutputReads reads = new OutputReads(exec, io);
        exec.exit().thenRun(reads::cutWhenStalled);
        Source<ExecOutput, NotUsed> stdout = reads.source(exec::readStdout, b -> ExecOutput.newBuilder().setStdout(b).build());
        Source<ExecOutput, NotUsed> stderr = !withStderr ? Source.empty()
                : reads.source(exec::readStderr, b -> ExecOutput.newBuilder().setStderr(b).build());
        return stdout.merge(stderr)
                .concat(Source.completionStage(exec.exit())
                        .map(code -> ExecOutput.newBuilder().setExit(ExecExit.newBuilder().setCode(code)).build()))
                .via(badInput.flow())
                .watchTermination((notUsed, done) -> {
                    done.whenComplete((d, failure) -> CompletableFuture.runAsync(() -> {
                        reads.finished();
                        end.run();
                    }, io));
                    return notUsed;
                });
    }

    /** One message of the client after the start. */
    private static void take(RunningExec exec, ExecInput message) {
        switch (message.getInputCase()) {
            case STDIN:
                if (message.getStdin().size() > MAX_STDIN_MESSAGE) {
                    throw new InvalidArgumentException("stdin", "at most " + MAX_STDIN_MESSAGE + " bytes per message");
                }
                try {
                    exec.writeStdin(message.getStdin().toByteArray());
                } catch (IOException gone) {
                    // the process closed its stdin or ended: what it did not read is dropped, as a pipe does
                }
                break;
            case CLOSE_STDIN:
                exec.closeStdin();
                break;
            case RESIZE:
                if (message.getResize().getWidth() > 65_535 || message.getResize().getHeight() > 65_535) {
                    throw new InvalidArgumentException("resize", "width and height are at most 65535");
                }
                exec.resize(message.getResize().getWidth(), message.getResize().getHeight());
                break;
            case SIGNAL:
                if (message.getSignal() < 1 || message.getSignal() > 64) {
                    throw new InvalidArgumentException("signal", "must be a signal number from 1 to 64");
                }
                exec.signal(message.getSignal());
                break;
            case START:
                throw new InvalidArgumentException("start", "only the first message of an exec is its start");
            default:
                throw new InvalidArgumentException("input", "is empty");
        }
    }

    private void end(ExecRequest request, RunningExec exec) {
        try {
            exec.close();
        } catch (RuntimeException e) {
            LOG.warn("could not remove exec {} of {}: {}", request.execId(), request.containerdId(), e.getMessage());
        } finally {
            slots.release();
            removeIfEmpty(request.ioDir().getParent());
            removeIfEmpty(request.ioDir().getParent().getParent());
        }
    }

    private static void removeIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException stillUsed) {
            // another exec of the same container or namespace runs
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** The failure under a future's wrapping, as one to throw again. */
    private static RuntimeException unwrap(Throwable t) {
        Throwable e = ErrorMapping.unwrap(t);
        return e instanceof RuntimeException ? (RuntimeException) e : new RuntimeException(e);
    }

    /**
     * The reads of an exec's output, one chunk per demand. After the process has exited, output
     * still comes while its pipes hold some; once every read has ended or waited
     * {@link #DRAIN_AFTER_EXIT_MILLIS} for more, only a child the process left can write, and the
     * reads are cut.
     */
    private static final class OutputReads {
        /** A read's state: not reading (waiting for the client), reading since a nanoTime, or at the end. */
        private static final long IDLE = 0;
        private static final long ENDED = -1;
        /** Reading times count from here, so that they are always above IDLE. */
        private static final long ORIGIN = System.nanoTime() - 1;

        private final RunningExec exec;
        private final Executor io;
        private final List<AtomicLong> reads = new CopyOnWriteArrayList<>();
        private volatile boolean finished;

        OutputReads(RunningExec exec, Executor io) {
            this.exec = exec;
            this.io = io;
        }

        interface Read {
            int read(byte[] buffer) throws IOException;
        }

        Source<ExecOutput, NotUsed> source(Read read, Function<ByteString, ExecOutput> wrap) {
            AtomicLong state = new AtomicLong(IDLE);
            reads.add(state);
            return Source.unfoldAsync(Boolean.TRUE, more -> CompletableFuture.supplyAsync(() -> {
                byte[] buffer = new byte[CHUNK];
                state.set(System.nanoTime() - ORIGIN);
                int n;
                try {
                    n = read.read(buffer);
                } catch (IOException e) {
                    n = -1;
                }
                state.set(n < 0 ? ENDED : IDLE);
                return n < 0 ? Optional.<Pair<Boolean, ExecOutput>>empty()
                        : Optional.of(Pair.create(Boolean.TRUE, wrap.apply(ByteString.copyFrom(buffer, 0, n))));
            }, io));
        }

        void finished() {
            finished = true;
        }

        /** Looks every quarter of the drain time whether the reads have stalled, until they end. */
        void cutWhenStalled() {
            CompletableFuture.delayedExecutor(DRAIN_AFTER_EXIT_MILLIS / 4, TimeUnit.MILLISECONDS, io).execute(() -> {
                if (finished || reads.stream().allMatch(r -> r.get() == ENDED)) {
                    return;
                }
                long now = System.nanoTime() - ORIGIN;
                if (reads.stream().allMatch(r -> r.get() == ENDED
                        || r.get() != IDLE && now - r.get() >= DRAIN_AFTER_EXIT_MILLIS * 1_000_000L)) {
                    exec.stopReading();
                } else {
                    cutWhenStalled();
                }
            });
        }
    }
}
