package io.kukeon.supervisor.cell;

import io.kukeon.model.ContainerStatus;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.ObjectPath;
import io.kukeon.supervisor.Ports;
import io.kukeon.supervisor.TreeCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A cell's restart around a new root, as a pod's around a new sandbox: when its root came back
 * alone (with new namespaces) or exited for good. This finds in the containers' reports whether one
 * is owed, schedules it after the backoff the record's run of root exits owes, and holds it back
 * while the cell is busy or the node's restart gate is shut; the cell's actor writes the exit
 * ({@code cell.RootExited}) and the start.
 */
final class AroundNewRoot {

    /** How soon a due restart that found the cell busy (or containerd away) is tried again. */
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final ActorContext<TreeCommand> context;
    private final TimerScheduler<TreeCommand> timers;
    private final ObjectPath path;
    private final Ports ports;
    private final CellOperations operations;
    /** The due time of the owed restart a timer is set for in this incarnation (null: none yet). */
    private Instant scheduled;

    AroundNewRoot(ActorContext<TreeCommand> context, TimerScheduler<TreeCommand> timers, ObjectPath path, Ports ports,
                  CellOperations operations) {
        this.context = context;
        this.timers = timers;
        this.path = path;
        this.ports = ports;
        this.operations = operations;
    }

    /**
     * The root runs again under another pid than the cell started it with, while the cell is meant
     * to run and does nothing else ({@code idle}): its restart policy (or a start or restart of the
     * root alone) brought it back with new namespaces, without the cell's address and away from its workloads.
     */
    boolean cameBackAlone(CellRecord state, Map<String, ContainerStatus> reported, boolean idle) {
        ContainerStatus root = reported.get(state.spec().rootContainerId());
        Integer startedWith = state.run().rootPid();
        return root != null && root.state().isActive() && root.pid() != null && startedWith != null
                && !root.pid().equals(startedWith) && state.run().desired() && state.sticky() == null && idle;
    }

    /** The root's exit for good, with the restart it owes, found in the reports (null: none); see {@link CellStateRules#rootExit}. */
    CellEvent.RootExited exitIn(CellRecord state, Map<String, ContainerStatus> reported) {
        return CellStateRules.rootExit(state, reported, ports.settings().restartBackoff(), Instant.now());
    }

    /**
     * The exit is written, so that a crash from here on neither loses the restart (recovery schedules
     * it again) nor doubles it (its start clears it): one line in the log, and the restart scheduled.
     */
    void exitWritten(CellRecord state, CellEvent.RootExited exit) {
        context.getLog().warn("cell {}: {}", path, exit.summary());
        if (exit.due().isAfter(exit.at())) {
            // A backoff to wait out: the workloads go now, as a pod's containers with their sandbox; one left
            // to restart by its own policy would join the dead root's namespaces, or a process that took its pid.
            state.spec().workloads().forEach(w -> operations.stopOne(w.id(), Duration.ZERO, true));
        }
        schedule(state, Duration.between(Instant.now(), exit.due()));
    }

    /** At recovery, or after a change the owed restart waited behind: its timer, unless one is set already. */
    void scheduleOwed(CellRecord state) {
        if (state.rootRestartOwed() && !state.rootRestart().due().equals(scheduled)) {
            schedule(state, Duration.between(Instant.now(), state.rootRestart().due()));
        }
    }

    /**
     * Whether the owed restart is carried out now: not when a stop, a delete, a failure or another
     * start came first ({@code gone}, or the record no longer owes this one); later when the cell
     * cannot judge now (busy, containerd away), and only once the node's restart gate is open (as a
     * container's restarts).
     */
    boolean dueNow(CellRecord state, CellActor.RootRestartDue due, boolean gone, boolean canJudge) {
        if (gone || !state.rootRestartOwed() || !due.due().equals(state.rootRestart().due())
                || !state.run().desired() || state.sticky() != null) {
            return false;
        }
        if (!ports.restarts().isOpen()) {
            // a start nobody asked for now: held back while this node may not run its cells (see RestartGate)
            ActorRef<TreeCommand> self = context.getSelf();
            ports.restarts().opened().thenRun(() -> self.tell(due));
            return false;
        }
        if (!canJudge) {
            schedule(state, RETRY);
            return false;
        }
        return true;
    }

    /**
     * Why a start of the workload {@code container} alone is refused while a restart around a new root
     * is owed (null: it is not): the namespaces went with the dead root, and the workload would join them.
     */
    FailedPreconditionException refusedStart(CellRecord state, String container) {
        if (!state.rootRestartOwed() || container.equals(state.spec().rootContainerId())) {
            return null;
        }
        return new FailedPreconditionException("RootRestartOwed", "cell \"" + path.name() + "\": its root exited and the cell"
                + " restarts around a new root at " + state.rootRestart().due() + "; container \"" + container
                + "\" starts with it (start the cell to restart it now)");
    }

    private void schedule(CellRecord state, Duration delay) {
        scheduled = state.rootRestart().due();
        timers.startSingleTimer(CellActor.RootRestartDue.class, new CellActor.RootRestartDue(scheduled),
                delay.isNegative() ? Duration.ZERO : delay);
    }
}
