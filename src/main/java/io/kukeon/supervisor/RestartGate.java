package io.kukeon.supervisor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Holds back the starts that nobody asked for now (a restart by policy, a start that a crash
 * interrupted) until this node may run its cells: a kukeond alone at once; a member of a fleet once
 * it has joined and removed its copies of the cells the fleet moved to other nodes while it was
 * away, so that no cell runs twice.
 */
public final class RestartGate {
    private final CompletableFuture<Void> opened = new CompletableFuture<>();

    private RestartGate() {}

    public static RestartGate open() {
        RestartGate gate = new RestartGate();
        gate.opened.complete(null);
        return gate;
    }

    public static RestartGate closed() {
        return new RestartGate();
    }

    public boolean isOpen() {
        return opened.isDone();
    }

    /** Completes when the gate opens; at once when it is open. */
    public CompletionStage<Void> opened() {
        return opened;
    }

    public void letThrough() {
        opened.complete(null);
    }
}
