package io.kukeon.supervisor.container;

import io.kukeon.model.ContainerStatus;
import io.kukeon.supervisor.Notice;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

import java.util.List;

/**
 * What a container actor's current incarnation is doing beside its journaled record. Never
 * journaled: a crash loses it, and recovery starts the runtime call again from the record's intent.
 */
sealed interface ContainerWork {

    ContainerWork IDLE = new Idle();

    /** Nothing in flight. */
    record Idle() implements ContainerWork {}

    /**
     * An intent is being written; its runtime call starts once it is. A failed write answers
     * {@code waiting} and leaves the container idle.
     */
    record Recording(List<ActorRef<StatusReply<ContainerStatus>>> waiting) implements ContainerWork {}

    /**
     * A runtime call is out; its result comes back as a message and decides what is written. Kept
     * across a restart after a journal failure (the call still answers this actor), so that no
     * second call starts beside it and commands keep waiting for it.
     *
     * @param waiting who is told the container's status once the outcome is written
     * @param pulled  how far the image pull of a start has come (null: no pull, or not yet)
     * @param pullWait why the image pull of a start has not begun (waits for its registry), or null
     */
    record Calling(Call call, List<ActorRef<StatusReply<ContainerStatus>>> waiting, ContainerStatus.Pull pulled,
                   String pullWait, Notice.TaskExited exitedMeanwhile) implements ContainerWork {
        public Calling {
            waiting = List.copyOf(waiting);
        }

        Calling pulling(ContainerStatus.Pull progress) {
            return new Calling(call, waiting, progress, null, exitedMeanwhile);
        }

        Calling pullWaiting(String why) {
            return new Calling(call, waiting, new ContainerStatus.Pull(0, 0), why, exitedMeanwhile);
        }

        /** containerd reported the task's exit before the start's answer (a command that ends at once). */
        Calling exited(Notice.TaskExited exit) {
            return new Calling(call, waiting, pulled, pullWait, exit);
        }
    }

    /** Deleted by this incarnation: the cell stops it; meanwhile it answers as a container that is gone. */
    record Retired() implements ContainerWork {}

    enum Call { START, STOP, DELETE }

    static Recording recording(ActorRef<StatusReply<ContainerStatus>> replyTo) {
        return new Recording(List.of(replyTo));
    }

    /** The call starts: whoever waited for its intent to be written now waits for its outcome. */
    default Calling calling(Call call) {
        return new Calling(call, waiting(), null, null, null);
    }

    default boolean busy() {
        return this instanceof Recording || this instanceof Calling;
    }

    /** Who waits for the work in flight. */
    default List<ActorRef<StatusReply<ContainerStatus>>> waiting() {
        if (this instanceof Recording r) {
            return r.waiting();
        }
        return this instanceof Calling c ? c.waiting() : List.of();
    }

    /** After a restart or a stop: tells the waiting why, keeps a call in flight (if any) without them. */
    default ContainerWork abandoned(Throwable why) {
        waiting().forEach(replyTo -> replyTo.tell(StatusReply.error(why)));
        if (this instanceof Calling c) {
            return new Calling(c.call(), List.of(), null, null, c.exitedMeanwhile());
        }
        return this instanceof Recording ? IDLE : this;
    }
}
