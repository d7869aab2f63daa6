package io.kukeon.supervisor;

import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import org.apache.pekko.actor.typed.ActorRef;

/** What passes between a parent and its children about their existence. */
public final class ChildMessages {
    private ChildMessages() {}

    /** Parent → child after recovery: do you exist? The answer is {@link Gone} or nothing. */
    public record Probe(ActorRef<TreeCommand> parent) implements TreeCommand {}

    /**
     * Child → parent: I do not exist (never created, or deleted). The parent drops the child from
     * its registry, then answers {@code request} (the delete that finished) with {@code reply}.
     *
     * @param fromProbe the answer to a {@link Probe}, not the end of a delete
     */
    public record Gone(String name, boolean fromProbe, Request request, Reply reply) implements TreeCommand {}

    /**
     * Child → parent: the delete in {@code request} failed. The child still exists, unless the
     * error says that it, itself, does not ({@link #childAbsent}).
     */
    public record DeleteFailed(String name, Request request, Throwable error) implements TreeCommand {
        /**
         * The child at {@code child} is not there (its delete finished earlier). A "not found" about
         * anything else, a grandchild say, passed up with a failed cascade, does not count.
         */
        boolean childAbsent(ObjectPath child) {
            return error instanceof NotFoundException missing && missing.isAbout(child);
        }
    }
}
