package io.kukeon.runtime.containerd;

import io.kukeon.runtime.ExecRequest;
import io.kukeon.runtime.RunningExec;
import io.kukeon.runtime.StopOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/** An exec process containerd runs, with kukeond's ends of its pipes. */
final class ContainerdExec implements RunningExec {
    private final ExecProcesses processes;
    private final ExecRequest request;
    private final ExecPipes pipes;
    private final CompletableFuture<Integer> exit;
    private final Duration killGrace;
    private final AtomicBoolean closed = new AtomicBoolean();

    ContainerdExec(ExecProcesses processes, ExecRequest request, ExecPipes pipes, CompletableFuture<Integer> exit,
                   Duration killGrace) {
        this.processes = processes;
        this.request = request;
        this.pipes = pipes;
        this.exit = exit;
        this.killGrace = killGrace;
    }

    @Override
    public int readStdout(byte[] buffer) throws IOException {
        return read(pipes.stdoutChannel(), buffer);
    }

    @Override
    public int readStderr(byte[] buffer) throws IOException {
        return read(pipes.stderrChannel(), buffer);
    }

    /** A channel closed under the read (the exec ended, or its output was cut) is the end of the output. */
    private static int read(FileChannel channel, byte[] buffer) throws IOException {
        if (channel == null) {
            return -1;
        }
        try {
            return channel.read(ByteBuffer.wrap(buffer));
        } catch (ClosedChannelException closed) {   // also AsynchronousCloseException
            return -1;
        }
    }

    @Override
    public void writeStdin(byte[] data) throws IOException {
        FileChannel in = pipes.stdinChannel();
        if (in == null) {
            throw new IOException("the exec has no stdin");
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
            in.write(b);
        }
    }

    @Override
    public void closeStdin() {
        pipes.closeStdin();
        processes.closeStdin(request.namespace(), request.containerdId(), request.execId());
    }

    @Override
    public void resize(int width, int height) {
        if (request.tty()) {
            processes.resize(request.namespace(), request.containerdId(), request.execId(), width, height);
        }
    }

    @Override
    public void signal(int signal) {
        if (!exit.isDone()) {
            processes.kill(request.namespace(), request.containerdId(), request.execId(), signal);
        }
    }

    @Override
    public CompletionStage<Integer> exit() {
        return exit;
    }

    @Override
    public void stopReading() {
        pipes.closeChannels();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!exit.isDone()) {
                processes.kill(request.namespace(), request.containerdId(), request.execId(), StopOptions.SIGKILL);
                processes.awaitExit(request.namespace(), request.containerdId(), request.execId(), killGrace);
            }
            processes.delete(request.namespace(), request.containerdId(), request.execId());
        } finally {
            pipes.close();
        }
    }
}
