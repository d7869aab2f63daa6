package io.kukeon.supervisor.cell;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Ports;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.supervisor.cell.CellRecord.Activity;
import io.kukeon.supervisor.tree.Blocking;
import io.kukeon.supervisor.tree.Children;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The carrying out of what a cell's record holds: the intent it wrote (provision, start, stop,
 * delete), one container's operation, the container actors its spec names, and its cgroup and
 * names made again after a recovery or a reboot. Each runs through {@link CellOperations} and comes
 * back to the cell's actor as one of the messages below; the actor writes what it means.
 */
final class CellIntents {

    // results of the cell's operations: to the cell's actor only

    record Provisioned(CellOperations.Provisioning done, Throwable error) implements TreeCommand {}

    record StartDone(CellOperations.Start started, Throwable error) implements TreeCommand {}

    /** The containers' journals hold what they answered a start (see {@link CellOperations#journaled}). */
    record ContainersJournaled(Throwable error) implements TreeCommand {}

    record StopDone(Throwable error) implements TreeCommand {}

    record DeleteDone(Throwable error) implements TreeCommand {}

    record ContainerOpDone(ObjectPath target, Throwable error) implements TreeCommand {}

    /** The node's restart gate opened: an intent to run the cell that recovery held back is carried out now. */
    record GateOpened() implements TreeCommand {}

    private final ActorContext<TreeCommand> context;
    private final Ports ports;
    private final CellOperations operations;
    private final Children<TreeObject.Container> containers;
    /**
     * The cell's group was found (or made again) at this actor's recovery and containerd has not gone away since:
     * the "containerd available" that follows a daemon's start has nothing to re-ensure.
     */
    private boolean groupEnsuredAtRecovery;
    /** A resumed intent to run the cell waits for the node's restart gate (see {@link #heldBackByGate}). */
    private boolean awaitsGate;

    CellIntents(ActorContext<TreeCommand> context, Ports ports, CellOperations operations,
                Children<TreeObject.Container> containers) {
        this.context = context;
        this.ports = ports;
        this.operations = operations;
        this.containers = containers;
    }

    /** The intent the record holds, as it was written (a resumed stop waits for each container's own timeout). */
    void carryOut(CellRecord state) {
        switch (state.activity()) {
            case PROVISIONING -> provision(state);
            case STARTING -> start(state);
            case STOPPING -> stop(state, null, false);
            case DELETING -> delete(state);
            case NONE -> { }
        }
    }

    /**
     * Cgroup, then specs to the container actors, then (when running) the containers whose spec
     * changed; then, for a cell meant to run that does not yet, the start. A cell whose root exited
     * for good is not running: its root took the namespaces with it, and the change waits for the new
     * root, whose owed restart starts the workloads on the new spec (as a pod's containers wait for
     * their new sandbox).
     */
    private void provision(CellRecord state) {
        spawnContainers(state);
        Integer rootPid = state.run().desired() && !state.rootRestartOwed() ? state.run().rootPid() : null;
        context.pipeToSelf(operations.provision(state.spec(), List.copyOf(state.retiring()), rootPid),
                (done, error) -> new Provisioned(done, Blocking.unwrap(error)));
    }

    private void start(CellRecord state) {
        spawnContainers(state);
        // No cgroup step here: it was written at create or update, recreated at recovery, and runc
        // creates a missing parent itself; a start stays as short as containerd allows.
        context.pipeToSelf(operations.start(state.spec(), state.run().rootPid(), state.run().network()),
                (started, error) -> new StartDone(started, Blocking.unwrap(error)));
    }

    /** Nothing half-started is left running: what did start is killed (each container journals it). */
    void killStarted(CellSpec spec) {
        spec.containers().forEach(c -> operations.stopOne(c.id(), Duration.ZERO, true));
    }

    /** The containers write what they answered the start; begun while the cell writes its own. */
    CompletionStage<Done> containersJournaling(CellSpec spec) {
        return operations.journaled(spec);
    }

    /** {@link ContainersJournaled} once the containers' writes begun by {@link #containersJournaling} are done. */
    void whenJournaled(CompletionStage<Done> journaling) {
        context.pipeToSelf(journaling, (done, error) -> new ContainersJournaled(Blocking.unwrap(error)));
    }

    void stop(CellRecord state, Duration timeout, boolean kill) {
        context.pipeToSelf(operations.stop(state.spec(), timeout, kill),
                (done, error) -> new StopDone(Blocking.unwrap(error)));
    }

    private void delete(CellRecord state) {
        spawnContainers(state);
        context.pipeToSelf(operations.delete(state.spec(), state.retiring()),
                (done, error) -> new DeleteDone(Blocking.unwrap(error)));
    }

    /** Start, stop, kill or restart one container: the cell supplies the root's namespaces. */
    void onContainer(CellRecord state, ObjectPath target, ObjectCommand command) {
        context.pipeToSelf(operations.onContainer(command, state.spec(), target.name(), state.run().rootPid()),
                (status, error) -> new ContainerOpDone(target, Blocking.unwrap(error)));
    }

    /**
     * Whether a resumed intent waits for the node's restart gate (then {@link GateOpened} follows): a start
     * or a change of a cell meant to run is a start nobody asks for now, held back while this node may not
     * run its cells (a fleet's member before it rejoined, or downed: see RestartGate), so that a cell the
     * fleet moved elsewhere meanwhile is not run twice.
     */
    boolean heldBackByGate(CellRecord state) {
        boolean runs = state.activity() == Activity.STARTING || state.activity() == Activity.PROVISIONING && state.run().desired();
        if (!runs || ports.restarts().isOpen()) {
            return false;
        }
        if (!awaitsGate) {
            awaitsGate = true;
            ActorRef<TreeCommand> self = context.getSelf();
            ports.restarts().opened().thenRun(() -> self.tell(new GateOpened()));
        }
        return true;
    }

    void gateOpened() {
        awaitsGate = false;
    }

    // ---- the container actors and the cgroup, as the record says ----

    /** Actors for the spec's containers and for those a change removes, still to be deleted. */
    void spawnContainers(CellRecord state) {
        Set<String> wanted = new LinkedHashSet<>(state.containerNames());
        wanted.addAll(state.retiring());
        containers.spawn(wanted);
    }

    void stopRetiredContainers(CellRecord state) {
        Set<String> keep = new LinkedHashSet<>(state.containerNames());
        keep.addAll(state.retiring());
        containers.stopAllBut(keep);
    }

    /** The cell is deleted: its containers' actors go. */
    void stopAllContainers() {
        containers.stopAllBut(Set.of());
    }

    /** At recovery with no intent to resume: a cgroup a reboot removed is made again. */
    void recovered(CellRecord state) {
        operations.ensureCgroupIfMissing(state.spec());
        groupEnsuredAtRecovery = true;
    }

    /** containerd is back, maybe after a reboot: the cgroup made again (unless recovery just did) and the names refreshed. */
    void reprovision(CellRecord state) {
        if (!groupEnsuredAtRecovery) {
            operations.ensureCgroup(state.spec());   // a reboot removes the tree; limits are re-applied as they are
        }
        if (state.run().network() != null) {
            operations.refreshNames(state.run().network());
        }
    }

    /** containerd went away or is back after a reboot: from now on, each "containerd available" re-ensures the group. */
    void groupMayBeGone() {
        groupEnsuredAtRecovery = false;
    }
}
