package io.kukeon.runtime;

import java.time.Instant;

/** Receives what the runtime's event stream says. Called from the runtime's own thread; must not block. */
public interface RuntimeListener {

    /** A task's init process exited. */
    void taskExited(String namespace, String containerdId, int pid, int exitCode, Instant exitedAt);

    /** The kernel OOM-killed a process of the task (an exit follows). */
    void taskOomKilled(String namespace, String containerdId);

    /**
     * The runtime became reachable (after a start or a reconnect: relist, the gap is lost) or
     * unreachable (with the reason).
     */
    void availabilityChanged(boolean available, String reason);
}
