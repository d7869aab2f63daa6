package io.kukeon.supervisor;

import java.time.Instant;

/**
 * What the host tells one container without waiting for an answer. A notice never waits for the
 * work of a level it passes: it is about what already happened.
 */
public sealed interface Notice extends Routed.Addressed {

    @Override
    default boolean mutates() {
        return false;
    }

    /** From containerd's event stream: the container's task exited. */
    record TaskExited(int pid, int exitCode, Instant exitedAt) implements Notice {}

    /** From containerd's event stream: the kernel OOM-killed a process of the container. */
    record TaskOomKilled() implements Notice {}

    /**
     * Test hook: the container actor that receives it throws, as a bug in it would. Honoured only
     * when {@code kukeon.failure-injection} is on (tests); ignored otherwise.
     */
    record InjectedFailure() implements Notice {}
}
