package io.kukeon.supervisor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds back the starts that nobody asked for now (a restart by policy, a start that a crash
 * interrupted) while this node may not run its cells: a kukeond alone never; a member of a fleet
 * until it has joined and removed its copies of the cells the fleet moved to other nodes while it
 * was away, and again once the cluster has downed it, so that no cell runs twice.
 */
public final class RestartGate {
    private final AtomicReference<CompletableFuture<Void>> opened = new AtomicReference<>(new CompletableFuture<>());

    private RestartGate() {}

    public static RestartGate open() {
        RestartGate gate = new RestartGate();
        gate.letThrough();
        return gate;
    }

    public static RestartGate closed() {
        return new RestartGate();
    }

    public boolean isOpen() {
        return opened.get().isDone();
    }

    /** Completes when the gate opens; at once when it is open. */
    public CompletionStage<Void> opened() {
        return opened.get();
    }

    public void letThrough() {
        opened.get().complete(null);
    }

    /** Holds restarts back again, until {@link #letThrough}. */
    public void close() {
        opened.updateAndGet(now -> now.isDone() ? new CompletableFuture<>() : now);
    }
}
