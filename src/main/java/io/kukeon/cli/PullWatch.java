package io.kukeon.cli;

import io.kukeon.model.ObjectPath;
import io.kukeon.model.Sizes;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * While a call that may pull images runs (apply, start), shows on a terminal how far the pulls
 * of these cells have come: kukeond reports it in the {@code pull} of the starting container's status.
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

    /** One List per stack and poll, however many cells the manifest has. */
    private static void poll(DaemonConnection daemon, List<ObjectPath> cells, ProgressLine line) {
        KukeonGrpc.KukeonBlockingStub api = daemon.streams();
        Set<String> watched = cells.stream().map(ObjectPath::toString).collect(Collectors.toSet());
        Set<ObjectPath> stacks = cells.stream().map(ObjectPath::parent).collect(Collectors.toCollection(LinkedHashSet::new));
        while (!Thread.currentThread().isInterrupted()) {
            for (ObjectPath stack : stacks) {
                try {
                    for (ObjectDoc cell : DaemonConnection.listAll(api.withDeadlineAfter(5, TimeUnit.SECONDS),
                            ListRequest.newBuilder().setKind("Cell").setParent(stack.toString()).build())) {
                        if (watched.contains(cell.getPath())) {
                            show(cell, line);
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

    private static void show(ObjectDoc cell, ProgressLine line) {
        for (ContainerStatus c : cell.getStatus().getContainersList()) {
            if (c.hasPull()) {
                line.show(cell.getMetadata().getName() + "/" + c.getName() + ": pulling " + c.getImage() + ": "
                        + Sizes.progress(c.getPull().getDoneBytes(), c.getPull().getTotalBytes()));
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
