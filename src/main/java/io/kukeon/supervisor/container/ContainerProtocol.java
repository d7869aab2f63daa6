package io.kukeon.supervisor.container;

import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.TreeCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

import java.time.Duration;
import java.util.Map;

/** What a cell and its {@link ContainerActor}s say to each other. */
public final class ContainerProtocol {
    private ContainerProtocol() {}

    /** What the cell asks of one of its containers; each is answered on its {@code replyTo}. */
    public sealed interface Command extends TreeCommand permits Define, Start, AwaitJournal, Stop, Check, Delete {}

    /**
     * Sets the spec; replies what it means for the container's task. Nothing runs until {@link Start}.
     *
     * @param nestedCgroups the cell's {@code nestedCgroupRuntime}: the container may manage cgroups below its own
     */
    public record Define(ContainerSpec spec, boolean nestedCgroups, ActorRef<StatusReply<Definition>> replyTo)
            implements Command {
        public Define(ContainerSpec spec, ActorRef<StatusReply<Definition>> replyTo) {
            this(spec, false, replyTo);
        }
    }

    /**
     * @param stale its task runs (or starts) from an older spec: it must be restarted to take this one
     * @param idle  nothing runs and nothing exited on its own: never started, stopped by us, or failed to start
     */
    public record Definition(boolean stale, boolean idle) {}

    /**
     * Runs the container (a running task is kept as it is; one the record holds running that containerd
     * no longer has is recorded as exited, and a new one started). Answers as soon as containerd shows the
     * task running, while its {@code TaskStarted} is still being written: a workload waits for its
     * root's pid, not for the root's journal. Whoever reports the outcome further asks
     * {@link AwaitJournal} first.
     *
     * @param joins      namespaces of the cell's root to join: {@code network}, {@code ipc}, {@code uts} → {@code /proc/<pid>/ns/...}
     * @param cellIntent the cell has journaled an intent that covers this start (its own start, or an
     *                   update): the container starts the task at once and writes its own
     *                   {@code StartRequested} alongside; a cell recovering that intent repeats the start
     * @param bringUpGrace the cell checks this run's bring-up (null: it does not): an exit within this
     *                   long of the task's start schedules no restart, the cell fails instead
     */
    public record Start(Map<String, String> joins, boolean cellIntent, Duration bringUpGrace,
                        ActorRef<StatusReply<ContainerStatus>> replyTo) implements Command {
        public Start(Map<String, String> joins, boolean cellIntent, ActorRef<StatusReply<ContainerStatus>> replyTo) {
            this(joins, cellIntent, null, replyTo);
        }
    }

    /** Answers the status once everything the container has answered before is in its journal. */
    public record AwaitJournal(ActorRef<StatusReply<ContainerStatus>> replyTo) implements Command {}

    /** Stops the task (SIGTERM, then SIGKILL after the timeout; at once when {@code kill}); no restart follows. */
    public record Stop(Duration timeout, boolean kill, ActorRef<StatusReply<ContainerStatus>> replyTo) implements Command {}

    /** Asks containerd now, records an exit it finds, replies the status. */
    public record Check(ActorRef<StatusReply<ContainerStatus>> replyTo) implements Command {}

    /** Removes task, container record, snapshot and log; replies the status of a container that is gone. */
    public record Delete(ActorRef<StatusReply<ContainerStatus>> replyTo) implements Command {}

    /** Container → cell, after every change: the container as it is now (its status and spec). */
    public record Changed(TreeObject.Container container) implements TreeCommand {
        public String name() {
            return container.path().name();
        }
    }
}
