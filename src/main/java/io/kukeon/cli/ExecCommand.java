package io.kukeon.cli;

import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kukeon.model.Kind;
import io.kukeon.wire.v1.ExecInput;
import io.kukeon.wire.v1.ExecOutput;
import io.kukeon.wire.v1.ExecStart;
import io.kukeon.wire.v1.TerminalSize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A process in a running container, as {@code docker exec} / {@code kubectl exec}: stdin, stdout
 * and stderr pass through unchanged (without -t, stdout and stderr stay apart), and kuke exits with
 * the process's exit code. Both directions go at the pace of the other side: stdin is read only as
 * fast as the call takes it, and the next output is asked for once the last one is written.
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = "Run a command in a running container of a cell; exits with the command's exit code.",
        footer = {"", "Examples:",
                "  kuke exec web -- ls -l /",
                "  kuke exec web -c sidecar -it -- sh",
                "  kuke exec db -i -- sh -c 'cat > /tmp/dump.sql' < dump.sql"})
final class ExecCommand extends DaemonCommand {
    static final int CHUNK = 32 * 1024;
    /** Signals kuke passes on to the process without -t (with -t, the keys are the terminal's). */
    private static final List<String> FORWARDED = List.of("INT", "TERM", "HUP");
    /** The third Ctrl-C (or other forwarded signal) ends kuke itself, for a process that ignores them. */
    static final int SIGNALS_BEFORE_GIVING_UP = 3;

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
            int[] size = terminal.size();
            start.setSize(TerminalSize.newBuilder().setWidth(size[0]).setHeight(size[1]));
        }
        Call call = new Call(ExecInput.newBuilder().setStart(start).build());
        daemon.async().exec(call);
        call.send(call.first);
        out().flush();
        try {
            if (terminal != null) {
                terminal.makeRaw();
                TerminalMode t = terminal;
                handle("WINCH", s -> {
                    int[] size = t.size();
                    call.send(ExecInput.newBuilder().setResize(TerminalSize.newBuilder().setWidth(size[0]).setHeight(size[1])).build());
                });
            } else {
                java.util.concurrent.atomic.AtomicInteger signals = new java.util.concurrent.atomic.AtomicInteger();
                for (String name : FORWARDED) {
                    handle(name, s -> {
                        if (signals.incrementAndGet() >= SIGNALS_BEFORE_GIVING_UP) {
                            System.exit(128 + s.getNumber());
                        }
                        call.send(ExecInput.newBuilder().setSignal(s.getNumber()).build());
                    });
                }
            }
            if (stdin) {
                Thread pump = new Thread(() -> call.pump(kuke().stdin()), "kuke-exec-stdin");
                pump.setDaemon(true);
                pump.start();
            }
            return call.output(kuke().rawOut(), kuke().rawErr());
        } finally {
            if (terminal != null) {
                terminal.close();
            }
            call.finish();
        }
    }

    /** Takes a signal over, when kuke is its own process (run inside another program, it leaves them alone). */
    private void handle(String signal, sun.misc.SignalHandler handler) {
        if (kuke().ownsProcess()) {
            Signal.handle(new Signal(signal), handler);
        }
    }

    /**
     * The call: messages to kukeond sent only while the transport takes them, and what comes back
     * handed to the command's thread one at a time.
     */
    private final class Call implements ClientResponseObserver<ExecInput, ExecOutput> {
        private final ExecInput first;
        /** What came back, or why the call failed; the next is asked for once this one is written. */
        private final BlockingQueue<Object> received = new ArrayBlockingQueue<>(2);
        private ClientCallStreamObserver<ExecInput> requests;
        private boolean ended;

        Call(ExecInput first) {
            this.first = first;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ExecInput> requests) {
            this.requests = requests;
            requests.disableAutoRequestWithInitial(1);
            requests.setOnReadyHandler(this::ready);
        }

        private synchronized void ready() {
            notifyAll();
        }

        /** Sends one message, waiting while the transport is full; dropped once the call has ended. */
        synchronized void send(ExecInput message) {
            try {
                while (!ended && !requests.isReady()) {
                    wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!ended) {
                requests.onNext(message);
            }
        }

        /** kuke's stdin to the process, until its end, which the process then reads too. */
        void pump(InputStream in) {
            byte[] buffer = new byte[CHUNK];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (n > 0) {
                        send(ExecInput.newBuilder().setStdin(ByteString.copyFrom(buffer, 0, n)).build());
                    }
                }
            } catch (IOException e) {
                // a stdin that fails is a stdin that ended
            }
            send(ExecInput.newBuilder().setCloseStdin(true).build());
        }

        /** Writes the output as it comes; the process's exit code at its end. */
        int output(OutputStream stdout, OutputStream stderr) throws Exception {
            while (true) {
                Object next = received.take();
                if (next instanceof Throwable) {
                    throw next instanceof Exception ? (Exception) next : new RuntimeException((Throwable) next);
                }
                ExecOutput o = (ExecOutput) next;
                switch (o.getOutputCase()) {
                    case STDOUT:
                        o.getStdout().writeTo(stdout);
                        stdout.flush();
                        break;
                    case STDERR:
                        o.getStderr().writeTo(stderr);
                        stderr.flush();
                        break;
                    case EXIT:
                        if (!o.getExit().getReason().isEmpty()) {
                            err().println("kuke: " + ErrorLine.oneLine(o.getExit().getReason()));
                            err().flush();
                        }
                        return o.getExit().getCode();
                    default:
                        break;
                }
                requests.request(1);
            }
        }

        /** The process has ended or kuke gives up: kukeond is told that nothing more comes. */
        synchronized void finish() {
            if (!ended) {
                ended = true;
                notifyAll();
                try {
                    requests.onCompleted();
                } catch (IllegalStateException alreadyClosed) {
                    // the call failed first: nothing to tell
                }
            }
        }

        @Override
        public void onNext(ExecOutput value) {
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {
            ended();
            received.add(t);
        }

        @Override
        public void onCompleted() {
            ended();
            received.add(new IllegalStateException("kukeond ended the exec without its exit code"));
        }

        /** The call is over: a send waiting for room gives up. */
        private synchronized void ended() {
            ended = true;
            notifyAll();
        }
    }
}
