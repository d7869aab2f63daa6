package io.kukeon.cli;

import io.kukeon.api.v1.ContainerStatus;
import io.kukeon.api.v1.GetRequest;
import io.kukeon.api.v1.KukeonGrpc;
import io.kukeon.model.ObjectPath;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * While a call that may pull images runs (apply, start), shows on a terminal how far the pulls
 * of these cells have come: kukeond puts it in the starting container's status message.
 */
final class PullWatch implements AutoCloseable {
    private static final long POLL_MILLIS = 400;

    private final Thread poller;
    private final ProgressLine line;

    private PullWatch(Thread poller, ProgressLine line) {
        this.poller = poller;
        this.line = line;
    }

    /** Starts watching (only on a terminal, and only when there is a cell to watch). */
    static PullWatch watch(DaemonConnection daemon, List<ObjectPath> cells, ProgressLine line, boolean terminal) {
        if (!terminal || cells.isEmpty()) {
            return new PullWatch(null, line);
        }
        Thread t = new Thread(() -> poll(daemon, cells, line), "kuke-pull-progress");
        t.setDaemon(true);
        t.start();
        return new PullWatch(t, line);
    }

    private static void poll(DaemonConnection daemon, List<ObjectPath> cells, ProgressLine line) {
        KukeonGrpc.KukeonBlockingStub api = daemon.streams();
        while (!Thread.currentThread().isInterrupted()) {
            for (ObjectPath cell : cells) {
                try {
                    for (ContainerStatus c : api.withDeadlineAfter(5, TimeUnit.SECONDS).get(GetRequest.newBuilder()
                            .setKind("Cell").setPath(cell.toString()).build()).getObject().getStatus().getContainersList()) {
                        if (c.getMessage().startsWith("pulling ")) {
                            line.show(cell.name() + "/" + c.getName() + ": " + c.getMessage());
                        }
                    }
                } catch (RuntimeException notThereYet) {
                    // created by the very call we are watching: it appears shortly
                }
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        if (poller != null) {
            poller.interrupt();
        }
        line.clear();
    }
}
