package io.kukeon.runtime.containerd;

import io.kukeon.runtime.RunningExec;
import io.kukeon.runtime.RuntimeFailure;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A connection to an attachable container's terminal, through the socket its task's logger serves:
 * the terminal's output as it comes, keys to its stdin. Closing it detaches: the container and its
 * terminal go on. Its exit is the container's main process's.
 */
final class ContainerdAttach implements RunningExec {
    /** The task's own process in containerd's exec calls. */
    private static final String INIT = "";

    private final SocketChannel socket;
    private final ExecProcesses processes;
    private final String namespace;
    private final String containerdId;
    private final CompletableFuture<Integer> exit;

    private ContainerdAttach(SocketChannel socket, ExecProcesses processes, String namespace, String containerdId) {
        this.socket = socket;
        this.processes = processes;
        this.namespace = namespace;
        this.containerdId = containerdId;
        this.exit = processes.exit(namespace, containerdId, INIT);
    }

    static ContainerdAttach connect(Path socketPath, ExecProcesses processes, String namespace, String containerdId) {
        try {
            SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                s.connect(UnixDomainSocketAddress.of(socketPath));
            } catch (IOException e) {
                s.close();
                throw e;
            }
            return new ContainerdAttach(s, processes, namespace, containerdId);
        } catch (IOException e) {
            throw new RuntimeFailure("RuntimeError", "cannot reach the terminal of " + containerdId + " at " + socketPath
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int readStdout(byte[] buffer) throws IOException {
        try {
            return socket.read(ByteBuffer.wrap(buffer));
        } catch (ClosedChannelException detached) {
            return -1;
        }
    }

    @Override
    public int readStderr(byte[] buffer) {
        return -1;   // a terminal has one stream
    }

    @Override
    public void writeStdin(byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
            socket.write(b);
        }
    }

    /** The terminal's stdin stays open for whoever attaches next: a client's end of input is its detach. */
    @Override
    public void closeStdin() {
    }

    @Override
    public void resize(int width, int height) {
        processes.resize(namespace, containerdId, INIT, width, height);
    }

    @Override
    public void signal(int signal) {
        processes.kill(namespace, containerdId, INIT, signal);
    }

    @Override
    public CompletionStage<Integer> exit() {
        return exit;
    }

    @Override
    public void stopReading() {
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // a detach that closes is all that is wanted
        }
        exit.cancel(false);
    }
}
