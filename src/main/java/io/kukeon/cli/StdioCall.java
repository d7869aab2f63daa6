package io.kukeon.cli;

import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.kukeon.wire.v1.ExecInput;
import io.kukeon.wire.v1.ExecOutput;
import io.kukeon.wire.v1.TerminalSize;
import sun.misc.Signal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One exec or attach call from kuke: kuke's stdin (and on a terminal its keys, raw, and its size) to
 * the process, the process's output to kuke's stdout and stderr unchanged, and its exit code as
 * kuke's. Both directions go at the pace of the other side: stdin is read only as fast as the call
 * takes it, and the next output is asked for once the last one is written.
 */
final class StdioCall implements ClientResponseObserver<ExecInput, ExecOutput> {
    static final int CHUNK = 32 * 1024;
    /** Signals kuke passes on to the process without a terminal (with one, the keys are the terminal's). */
    private static final List<String> FORWARDED = List.of("INT", "TERM", "HUP");
    /** The third forwarded signal ends kuke itself, for a process that ignores them. */
    static final int SIGNALS_BEFORE_GIVING_UP = 3;
    /** What {@link #run} returns when kuke detached (never an exit code: those are 0 to 255). */
    static final int DETACHED = -1;

    /** What came back, or why the call failed; the next is asked for once this one is written. */
    private final BlockingQueue<Object> received = new ArrayBlockingQueue<>(3);   // an output, the call's end, a detach
    private ClientCallStreamObserver<ExecInput> requests;
    private boolean ended;
    private volatile boolean detached;

    private StdioCall() {}

    /**
     * Runs the call to its end.
     *
     * @param call       the RPC (exec or attach) given this observer
     * @param terminal   kuke's terminal, made raw for the call; null without one
     * @param pumpStdin  kuke's stdin goes to the process
     * @param detachKeys keys in kuke's stdin that detach (attach's Ctrl-] twice), or null
     * @return the process's exit code, or {@link #DETACHED}
     */
    static int run(Kuke kuke, Function<StreamObserver<ExecOutput>, StreamObserver<ExecInput>> call, ExecInput start,
                   TerminalMode terminal, boolean pumpStdin, byte[] detachKeys, PrintWriter out, PrintWriter err)
            throws Exception {
        StdioCall c = new StdioCall();
        call.apply(c);
        c.send(start);
        out.flush();
        try {
            if (terminal != null) {
                terminal.makeRaw();
                handle(kuke, "WINCH", s -> c.send(ExecInput.newBuilder().setResize(size(terminal)).build()));
            } else {
                AtomicInteger signals = new AtomicInteger();
                for (String name : FORWARDED) {
                    handle(kuke, name, s -> {
                        if (signals.incrementAndGet() >= SIGNALS_BEFORE_GIVING_UP) {
                            System.exit(128 + s.getNumber());
                        }
                        c.send(ExecInput.newBuilder().setSignal(s.getNumber()).build());
                    });
                }
            }
            if (pumpStdin) {
                Thread pump = new Thread(() -> c.pump(kuke.stdin(), detachKeys), "kuke-stdin");
                pump.setDaemon(true);
                pump.start();
            }
            return c.output(kuke.rawOut(), kuke.rawErr(), err);
        } finally {
            if (terminal != null) {
                terminal.close();
            }
            c.finish();
        }
    }

    static TerminalSize size(TerminalMode terminal) {
        int[] size = terminal.size();
        return TerminalSize.newBuilder().setWidth(size[0]).setHeight(size[1]).build();
    }

    /** Takes a signal over, when kuke is its own process (run inside another program, it leaves them alone). */
    private static void handle(Kuke kuke, String signal, sun.misc.SignalHandler handler) {
        if (kuke.ownsProcess()) {
            Signal.handle(new Signal(signal), handler);
        }
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

    /** kuke's stdin to the process until its end (which the process then reads too), or until the detach keys. */
    private void pump(InputStream in, byte[] detachKeys) {
        byte[] buffer = new byte[CHUNK];
        int matched = 0;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                int upTo = n;
                if (detachKeys != null) {
                    for (int i = 0; i < n; i++) {
                        matched = buffer[i] == detachKeys[matched] ? matched + 1 : buffer[i] == detachKeys[0] ? 1 : 0;
                        if (matched == detachKeys.length) {
                            upTo = i + 1 - detachKeys.length;   // the keys themselves are kuke's, not the process's
                            break;
                        }
                    }
                }
                if (upTo > 0) {
                    send(ExecInput.newBuilder().setStdin(ByteString.copyFrom(buffer, 0, upTo)).build());
                }
                if (detachKeys != null && matched == detachKeys.length) {
                    detach();
                    return;
                }
            }
        } catch (IOException e) {
            // a stdin that fails is a stdin that ended
        }
        send(ExecInput.newBuilder().setCloseStdin(true).build());
    }

    /** Leaves the process running: the call ends without its exit. */
    private void detach() {
        detached = true;
        received.offer(Detached.INSTANCE);
    }

    /** Writes the output as it comes; the process's exit code at its end. */
    private int output(OutputStream stdout, OutputStream stderr, PrintWriter err) throws Exception {
        while (true) {
            Object next = received.take();
            if (next == Detached.INSTANCE || detached) {
                return DETACHED;
            }
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
                        err.println("kuke: " + ErrorLine.oneLine(o.getExit().getReason()));
                        err.flush();
                    }
                    return o.getExit().getCode();
                default:
                    break;
            }
            requests.request(1);
        }
    }

    /** The process has ended or kuke leaves: kukeond is told that nothing more comes (a detach cancels). */
    private synchronized void finish() {
        if (!ended) {
            ended = true;
            notifyAll();
            try {
                if (detached) {
                    requests.cancel("detached", null);
                } else {
                    requests.onCompleted();
                }
            } catch (IllegalStateException alreadyClosed) {
                // the call failed first: nothing to tell
            }
        }
    }

    @Override
    public void onNext(ExecOutput value) {
        received.offer(value);
    }

    @Override
    public void onError(Throwable t) {
        ended();
        received.offer(t);
    }

    @Override
    public void onCompleted() {
        ended();
        received.offer(new IllegalStateException("kukeond ended the call without the process's exit code"));
    }

    /** The call is over: a send waiting for room gives up. */
    private synchronized void ended() {
        ended = true;
        notifyAll();
    }

    private enum Detached { INSTANCE }
}
