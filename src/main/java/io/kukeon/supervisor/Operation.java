package io.kukeon.supervisor;

import io.kukeon.model.TreeObject;

import java.time.Duration;
import java.time.Instant;

/** What a {@link Request} asks of the object it targets. */
public sealed interface Operation {

    /** Mutates state, so a node that is busy provisioning or deleting stashes it. */
    default boolean mutates() {
        return true;
    }

    /**
     * Create the object, or bring it to this spec and labels.
     *
     * @param createParents create missing realm/space/stack on the way (apply does, create does not)
     * @param start         for a cell: start it once created (apply does, create does not)
     * @param createOnly    an existing object is left as it is (create), not updated (apply)
     */
    record Upsert(TreeObject desired, boolean createParents, boolean start, boolean createOnly) implements Operation {
        public static Upsert apply(TreeObject desired) {
            return new Upsert(desired, true, true, false);
        }

        public static Upsert create(TreeObject desired) {
            return new Upsert(desired, false, false, true);
        }
    }

    record Get() implements Operation {
        @Override
        public boolean mutates() {
            return false;
        }
    }

    /** @param force implies cascade */
    record Delete(boolean cascade, boolean force) implements Operation {}

    record Start() implements Operation {}

    record Stop(Duration timeout) implements Operation {}

    record Kill() implements Operation {}

    record Restart(Duration timeout) implements Operation {}

    /** From the runtime's event stream: the container's task exited. No reply. */
    record TaskExited(int pid, int exitCode, Instant exitedAt) implements Operation {}

    /** From the runtime's event stream: the kernel OOM-killed a process of the container. No reply. */
    record TaskOomKilled() implements Operation {}

    /**
     * Test hook: the container actor that receives it throws, as a bug in it would. Honoured only
     * when {@code kukeon.failure-injection} is on (tests); ignored otherwise. No reply.
     */
    record InjectFailure() implements Operation {}
}
