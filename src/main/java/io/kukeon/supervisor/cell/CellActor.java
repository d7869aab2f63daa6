package io.kukeon.supervisor.cell;

import io.kukeon.model.CellSpec;
import io.kukeon.model.CellState;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.supervisor.Notice;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.PersistenceIds;
import io.kukeon.supervisor.Ports;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.Routed;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.supervisor.cell.CellRecord.Activity;
import io.kukeon.supervisor.cell.CellWork.Deleting;
import io.kukeon.supervisor.cell.CellWork.OnContainer;
import io.kukeon.supervisor.cell.CellWork.Retired;
import io.kukeon.supervisor.cell.CellWork.Unwinding;
import io.kukeon.supervisor.container.ContainerActor;
import io.kukeon.supervisor.container.ContainerProtocol;
import io.kukeon.supervisor.tree.Blocking;
import io.kukeon.supervisor.tree.Broadcast;
import io.kukeon.supervisor.tree.ChildMessages;
import io.kukeon.supervisor.tree.ChildMessages.DeleteOrigin;
import io.kukeon.supervisor.tree.Children;
import io.kukeon.supervisor.tree.CommandTable;
import io.kukeon.supervisor.tree.Failures;
import io.kukeon.supervisor.tree.HeldSecrets;
import io.kukeon.supervisor.tree.RealmAccess;
import io.kukeon.supervisor.tree.TreeNode;
import io.kukeon.supervisor.tree.Waiting;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A cell: a pod of containers around a root container whose net, ipc and uts namespaces the
 * others join. It owns the cell's cgroup and one {@link ContainerActor} per container, and derives
 * its displayed state from its own intent (started, stopped, failed) and from what its containers
 * report. Commands for its containers come to it: it changes its spec for them, or starts and
 * stops them with the root's namespaces at hand. Its work in flight is one {@link CellWork}; what it
 * writes is carried out by {@link CellIntents}, whose results come back to its handlers.
 */
public final class CellActor extends TreeNode<CellEvent, CellRecord> {

    /** The restart around a new root owed since the root's exit is due (at {@code due}, as the record holds it). */
    record RootRestartDue(Instant due) implements TreeCommand {}

    // ---- factory ----

    public static Behavior<TreeCommand> create(ObjectPath path, ActorRef<TreeCommand> parent, Ports ports,
                                               RealmAccess realm) {
        // timers, not the scheduler: a verdict or restart due after the cell was deleted is cancelled with it,
        // not sent to a stopped actor (one dead-letter line in the log each)
        return supervised(Behaviors.setup(context -> Behaviors.<TreeCommand>withTimers(timers ->
                new CellActor(context, timers, path, parent, ports, realm))));
    }

    private final Children<TreeObject.Container> containers;
    private final CellView views;
    private CellWork work = CellWork.IDLE;
    private final CellIntents intents;
    private final BringUpWindow bringUp;
    private final AroundNewRoot rootRestarts;
    /** containerd does not answer: the containers' state is not known. */
    private boolean runtimeDown;

    private CellActor(ActorContext<TreeCommand> context, TimerScheduler<TreeCommand> timers, ObjectPath path,
                      ActorRef<TreeCommand> parent, Ports ports, RealmAccess realm) {
        super(context, PersistenceIds.of(path), path, parent, ports, realm);
        this.containers = childRegistry((childPath, self) -> ContainerActor.create(childPath, self, ports, this.realm));
        CellOperations operations = new CellOperations(ports, path, parent, context.getSystem().scheduler(),
                Blocking.runtime(context), containers::running);
        this.views = new CellView(path, ports.ids());
        this.intents = new CellIntents(context, ports, operations, containers);
        this.bringUp = new BringUpWindow(context, timers, operations);
        this.rootRestarts = new AroundNewRoot(context, timers, path, ports, operations);
    }

    @Override
    public CellRecord emptyState() {
        return CellRecord.empty();
    }

    // ---- commands ----

    @Override
    protected boolean busy() {
        return work.busy();
    }

    /** The handlers, built once for all cells (see {@link CommandTable}). */
    private static final CommandTable<CellActor, TreeCommand, CellEvent, CellRecord> COMMANDS = commands();

    private static CommandTable<CellActor, TreeCommand, CellEvent, CellRecord> commands() {
        CommandTable.Builder<CellActor, TreeCommand, CellEvent, CellRecord> table = CommandTable.builder();
        whileBusy(table);
        return inAnyState(table)
                .on(Routed.class, (actor, state, routed) -> routed.isFor(actor.path) ? actor.onCommand(state, routed)
                        : actor.onContainerMessage(state, routed))
                .on(ChildMessages.CascadeDelete.class, (actor, state, delete) -> actor.onDelete(state,
                        new ChildMessages.Cascade(delete)))
                .on(CellIntents.Provisioned.class, CellActor::onProvisioned)
                .on(CellIntents.StartDone.class, CellActor::onStartDone)
                .on(CellIntents.ContainersJournaled.class, CellActor::onContainersJournaled)
                .on(CellIntents.StopDone.class, CellActor::onStopDone)
                .on(CellIntents.DeleteDone.class, CellActor::onDeleteDone)
                .on(CellIntents.ContainerOpDone.class, CellActor::onContainerOpDone)
                .on(RootRestartDue.class, CellActor::onRootRestartDue)
                .on(CellIntents.GateOpened.class, (actor, state, opened) -> {
                    actor.intents.gateOpened();
                    if (!actor.gone(state) && !actor.busy() && state.activity() != Activity.NONE) {
                        actor.resume(state);
                    }
                    return actor.Effect().none();
                })
                .on(BringUpWindow.Due.class, CellActor::onBringUpDue)
                .on(BringUpWindow.Checked.class, CellActor::onBringUpChecked)
                .on(BringUpWindow.Unwound.class, CellActor::onBringUpUnwound)
                .on(ContainerProtocol.Changed.class, CellActor::onContainerChanged)
                .on(Broadcast.class, CellActor::onBroadcast)
                .build();
    }

    @Override
    public CommandHandler<TreeCommand, CellEvent, CellRecord> commandHandler() {
        return COMMANDS.handlerFor(this);
    }

    private boolean gone(CellRecord state) {
        return !state.exists() || work instanceof Retired;
    }

    /** A command for the cell itself. */
    private Effect<CellEvent, CellRecord> onCommand(CellRecord state, Routed routed) {
        ObjectCommand command = (ObjectCommand) routed.message();
        if (command instanceof ObjectCommand.Get get) {
            return answerGet(get, !gone(state));
        }
        if (command instanceof ObjectCommand.Delete delete) {
            return onDelete(state, new ChildMessages.Asked(delete));
        }
        if (gone(state)) {
            if (command instanceof ObjectCommand.Upsert upsert && !(work instanceof Retired)) {
                return onCreate(upsert);
            }
            command.fail(notFound());
            return Effect().none();
        }
        if (state.activity() == Activity.DELETING) {
            command.fail(deleteStillOpen());
            return Effect().none();
        }
        if (command instanceof ObjectCommand.PutSecret put) {
            return onPutSecret(state, put);
        }
        if (command instanceof ObjectCommand.RemoveSecret remove) {
            return onRemoveSecret(state, remove);
        }
        if (command instanceof ObjectCommand.Upsert upsert) {
            if (upsert.mode().createOnly()) {
                upsert.reply(Reply.of(view(state, null), Reply.Outcome.UNCHANGED));
                return Effect().none();
            }
            TreeObject.Cell desired = (TreeObject.Cell) upsert.desired();
            return onUpdate(state, upsert, desired.metadata().labels(), desired.metadata().annotations(), desired.spec(),
                    upsert.mode().starts());
        }
        if (command instanceof ObjectCommand.Start start && state.activity() == Activity.STOPPING) {
            // A stop that containerd did not answer is still open (a restart's, say): it goes first,
            // when containerd answers again; a start now would be undone by it.
            start.fail(new UnavailableException(UnavailableException.RUNTIME_UNAVAILABLE, "cell \"" + path.name()
                    + "\": its stop is recorded and waits for containerd to answer again; start it once it has stopped"));
            return Effect().none();
        }
        if (command instanceof ObjectCommand.Start start && !state.specInForce()) {
            // a start does not run a cell on a spec its cgroup does not hold: provision again first
            return recordAndCarry(new CellEvent.CellUpdated(state.spec(), state.labels(), state.annotations(),
                    state.generations().current(), true, Instant.now()), Activity.PROVISIONING, waiting(start, Reply.Outcome.DONE));
        }
        if (command instanceof ObjectCommand.Start start) {
            return recordAndCarry(new CellEvent.StartRequested(Instant.now()), Activity.STARTING, waiting(start, Reply.Outcome.DONE));
        }
        if (command instanceof ObjectCommand.Stop stop) {
            return requestStop(waiting(stop, Reply.Outcome.DONE), stop.timeout(), false);
        }
        if (command instanceof ObjectCommand.Kill kill) {
            return requestStop(waiting(kill, Reply.Outcome.DONE), null, true);
        }
        ObjectCommand.Restart restart = (ObjectCommand.Restart) command;
        // Stop, then start once stopped (the start waits in the stash meanwhile).
        context.getSelf().tell(new Routed(path, new ObjectCommand.Start(restart.replyTo())));
        return requestStop(Waiting.none(), restart.timeout(), false);
    }

    // ---- secrets (the cell's own; its containers see them at their next start) ----

    private Effect<CellEvent, CellRecord> onPutSecret(CellRecord state, ObjectCommand.PutSecret put) {
        Reply.Outcome outcome = HeldSecrets.decide(state.secrets(), path, put);
        if (outcome == null) {
            return Effect().none();
        }
        return Effect().persist(new CellEvent.SecretPut(put.name(), put.data(), Instant.now()))
                .thenRun(s -> {
                    publishSecrets(s);
                    put.reply(Reply.of(null, outcome));
                });
    }

    private Effect<CellEvent, CellRecord> onRemoveSecret(CellRecord state, ObjectCommand.RemoveSecret remove) {
        if (!HeldSecrets.decide(state.secrets(), path, remove)) {
            return Effect().none();
        }
        return Effect().persist(new CellEvent.SecretRemoved(remove.name(), Instant.now()))
                .thenRun(s -> {
                    publishSecrets(s);
                    remove.reply(HeldSecrets.removed(path, remove.name()));
                });
    }

    private void publishSecrets(CellRecord state) {
        if (!gone(state)) {
            ports.storedSecrets().replace(path, state.secrets());
        }
    }

    private Waiting waiting(ObjectCommand command, Reply.Outcome outcome) {
        return Waiting.on(command, path, outcome);
    }

    private Effect<CellEvent, CellRecord> onCreate(ObjectCommand.Upsert upsert) {
        CellSpec spec = ((TreeObject.Cell) upsert.desired()).spec().normalized();
        work = CellWork.carrying(Activity.PROVISIONING, waiting(upsert, Reply.Outcome.CREATED));
        return Effect().persist(new CellEvent.CellCreated(spec, upsert.desired().metadata().labels(),
                        upsert.desired().metadata().annotations(), upsert.mode().starts(), Instant.now()))
                .thenRun(this::carryOut);
    }

    /** A new spec, labels or annotations for the cell, or for one of its containers ({@code command}'s target). */
    private Effect<CellEvent, CellRecord> onUpdate(CellRecord state, ObjectCommand command, Map<String, String> labels,
                                                   Map<String, String> annotations, CellSpec desired, boolean start, ObjectPath target,
                                                   Reply.Outcome changed) {
        CellSpec spec = desired.normalized();
        // Apply asks for a running cell: one whose bring-up failed (an image missing then, present
        // now), or that never ran, is started rather than reported as it is.
        boolean startAgain = start && (state.sticky() == CellState.Failed
                || !state.run().desired() && !state.run().everStarted());
        boolean sameMetadata = labels.equals(state.labels()) && annotations.equals(state.annotations());
        if (spec.equals(state.spec()) && sameMetadata && !state.specInForce()) {
            // The same spec again, but its last provisioning failed (a memory limit below usage, say):
            // try again, and answer with the outcome, never "unchanged" over a cgroup that differs.
            return recordAndCarry(new CellEvent.CellUpdated(spec, labels, annotations, state.generations().current(), startAgain,
                    Instant.now()), Activity.PROVISIONING, Waiting.on(command, target, changed));
        }
        if (spec.equals(state.spec()) && sameMetadata) {
            if (startAgain) {
                return recordAndCarry(new CellEvent.StartRequested(Instant.now()), Activity.STARTING,
                        Waiting.on(command, target, Reply.Outcome.UNCHANGED));
            }
            command.reply(Reply.of(viewOf(state, target), Reply.Outcome.UNCHANGED));
            return Effect().none();
        }
        boolean startToo = start && !state.run().desired() && !state.run().everStarted();
        return recordAndCarry(new CellEvent.CellUpdated(spec, labels, annotations, state.generations().current() + 1, startToo,
                Instant.now()),
                Activity.PROVISIONING, Waiting.on(command, target, changed));
    }

    private Effect<CellEvent, CellRecord> onUpdate(CellRecord state, ObjectCommand command, Map<String, String> labels,
                                                   Map<String, String> annotations, CellSpec desired, boolean start) {
        return onUpdate(state, command, labels, annotations, desired, start, path, Reply.Outcome.UPDATED);
    }

    /** Writes the intent, then carries it out; {@code waiting} are told once it is done (or could not be written). */
    private EffectBuilder<CellEvent, CellRecord> recordAndCarry(CellEvent intent, Activity activity, Waiting waiting) {
        work = CellWork.carrying(activity, waiting);
        return Effect().persist(intent).thenRun(this::carryOut);
    }

    /** The intent just written (or resumed) is shown, then carried out. */
    private void carryOut(CellRecord state) {
        publish(state);
        intents.carryOut(state);
    }

    private Effect<CellEvent, CellRecord> onProvisioned(CellRecord state, CellIntents.Provisioned result) {
        if (result.error() instanceof UnavailableException down) {
            // The new spec stays written and is carried out when containerd answers again (onBroadcast).
            abort(recordedUntilContainerdAnswers(down, "the change"));
            publish(state);
            return Effect().unstashAll();
        }
        if (result.error() != null) {
            return Effect().persist(new CellEvent.ProvisionFailed(Failures.reasonOf(result.error(), "ProvisionFailed"),
                            Failures.describe(result.error()), Instant.now()))
                    .thenRun(this::complete)
                    .thenUnstashAll();
        }
        List<CellEvent> events = new ArrayList<>();
        CellOperations.Start newRoot = result.done().newRoot();
        CellEvent.BringUpCheck check = bringUp.checkFor(state.spec(), result.done().workloadsStarted());
        events.add(new CellEvent.CgroupProvisioned(result.done().cgroup(), Instant.now(), newRoot == null ? check : null));
        if (newRoot != null) {
            events.addAll(startedEvents(newRoot, check));
        }
        if (state.run().desired() && state.run().rootPid() == null && newRoot == null) {
            events.add(new CellEvent.StartRequested(Instant.now()));   // a cell meant to run: its start, same waiters
            work = CellWork.carrying(Activity.STARTING, work.waiting());
            return Effect().persist(events).thenRun(s -> {
                intents.stopRetiredContainers(s);
                carryOut(s);
            });
        }
        return Effect().persist(events)
                .thenRun(s -> {
                    intents.stopRetiredContainers(s);
                    bringUp.opened(s, check);
                    rootRestarts.scheduleOwed(s);   // a change resumed at recovery held back the restart it waited for
                    complete(s);
                })
                .thenUnstashAll();
    }

    private Effect<CellEvent, CellRecord> onStartDone(CellRecord state, CellIntents.StartDone result) {
        if (result.error() != null) {
            intents.killStarted(state.spec());
            return Effect().persist(new CellEvent.StartFailed(Failures.reasonOf(result.error(), "StartCellFailed"),
                            Failures.describe(result.error()), Instant.now()))
                    .thenRun(this::complete)
                    .thenUnstashAll();
        }
        // Written while the containers write theirs; still busy until the answer, which waits for both.
        CompletionStage<Done> containersJournaled = intents.containersJournaling(state.spec());
        CellEvent.BringUpCheck check = bringUp.checkFor(state.spec(), state.spec().workloads().stream().map(ContainerSpec::id).toList());
        return Effect().persist(startedEvents(result.started(), check))
                .thenRun(s -> {
                    bringUp.opened(s, check);
                    intents.whenJournaled(containersJournaled);
                });
    }

    // ---- the bring-up check: the start answers at once, the verdict follows ----

    /** The window is over: containerd is asked now, if the cell can judge. */
    private Effect<CellEvent, CellRecord> onBringUpDue(CellRecord state, BringUpWindow.Due due) {
        bringUp.due(state, due, canJudge(state));
        return Effect().none();
    }

    private Effect<CellEvent, CellRecord> onBringUpChecked(CellRecord state, BringUpWindow.Checked checked) {
        BringUpWindow.Verdict verdict = bringUp.checked(state, checked, canJudge(state));
        if (verdict instanceof BringUpWindow.Failed failed) {
            return failBringUp(failed.failure());
        }
        if (verdict instanceof BringUpWindow.Passed) {
            publish(state);
        }
        return Effect().none();
    }

    /** Idle, with containerd answering: a bring-up verdict can be given now. */
    private boolean canJudge(CellRecord state) {
        return !busy() && state.activity() == Activity.NONE && !runtimeDown;
    }

    /**
     * A workload exited within its window: the start failed, as it would have had the answer waited.
     * Written first; then what runs is killed and the address released, the restart policy having
     * held back (see RestartRules).
     */
    private EffectBuilder<CellEvent, CellRecord> failBringUp(RuntimeFailure failure) {
        return Effect().persist(new CellEvent.StartFailed(failure.kind(), failure.getMessage(), Instant.now()))
                .thenRun(s -> {
                    bringUp.failed();
                    work = new Unwinding();
                    publish(s);
                    bringUp.unwind(s);
                });
    }

    private Effect<CellEvent, CellRecord> onBringUpUnwound(CellRecord state, BringUpWindow.Unwound done) {
        if (done.error() != null) {
            context.getLog().warn("{}: after its failed bring-up, what ran could not all be stopped: {}", path,
                    done.error().getMessage());
        }
        if (work instanceof Unwinding) {
            work = CellWork.IDLE;
        }
        publish(state);
        return Effect().unstashAll();
    }

    /** The root's address, then the start itself with its bring-up check, in one write. */
    private static List<CellEvent> startedEvents(CellOperations.Start started, CellEvent.BringUpCheck check) {
        Instant now = Instant.now();
        CellEvent.Started start = new CellEvent.Started(started.rootPid(), now, check);
        return started.network() == null ? List.of(start) : List.of(new CellEvent.NetworkAttached(started.network(), now), start);
    }

    private Effect<CellEvent, CellRecord> onContainersJournaled(CellRecord state, CellIntents.ContainersJournaled result) {
        if (result.error() != null) {
            publish(state);
            abort(result.error());
            return Effect().unstashAll();
        }
        complete(state);
        // a workload that exited while the start was busy was reported then: what it means is decided now
        return afterReports(state).thenUnstashAll();
    }

    private Effect<CellEvent, CellRecord> requestStop(Waiting waiting, Duration timeout, boolean kill) {
        work = CellWork.carrying(Activity.STOPPING, waiting);
        return Effect().persist(new CellEvent.StopRequested(kill, Instant.now())).thenRun(s -> {
            publish(s);
            intents.stop(s, timeout, kill);
        });
    }

    private Effect<CellEvent, CellRecord> onStopDone(CellRecord state, CellIntents.StopDone result) {
        if (result.error() instanceof UnavailableException down) {
            // The stop is written: it is carried out when containerd answers again (onBroadcast).
            abort(recordedUntilContainerdAnswers(down, "the stop"));
            return Effect().unstashAll();
        }
        if (result.error() != null) {
            abort(result.error());
            return Effect().unstashAll();
        }
        return Effect().persist(new CellEvent.Stopped(Instant.now())).thenRun(this::complete).thenUnstashAll();
    }

    /** Every answer to a delete goes through the parent, which holds back other messages for us meanwhile. */
    private Effect<CellEvent, CellRecord> onDelete(CellRecord state, DeleteOrigin origin) {
        if (gone(state)) {
            reportDeleteFailed(origin, notFound());
            return Effect().none();
        }
        work = new Deleting(origin);
        return Effect().persist(new CellEvent.DeleteRequested(Instant.now())).thenRun(this::carryOut);
    }

    private Effect<CellEvent, CellRecord> onDeleteDone(CellRecord state, CellIntents.DeleteDone result) {
        DeleteOrigin origin = ((Deleting) work).origin();
        work = CellWork.IDLE;
        if (result.error() instanceof UnavailableException down) {
            // The delete stays written (its containers have written theirs): it is carried out when
            // containerd answers again (onBroadcast); undoing it would leave them half-deleted.
            publish(state);
            reportDeleteFailed(origin, recordedUntilContainerdAnswers(down, "the delete"));
            return Effect().unstashAll();
        }
        if (result.error() != null) {
            return Effect().persist(new CellEvent.DeleteFailed(Failures.reasonOf(result.error(), "DeleteFailed"),
                            Failures.describe(result.error()), Instant.now()))
                    .thenRun(s -> {
                        publish(s);
                        reportDeleteFailed(origin, result.error());
                    })
                    .thenUnstashAll();
        }
        List<String> deleted = new ArrayList<>();
        state.spec().containers().forEach(c -> deleted.add(path.child(c.id()).toString()));
        deleted.add(path.toString());
        return Effect().persist(new CellEvent.Deleted(Instant.now()))
                .thenRun(s -> {
                    work = new Retired();
                    intents.stopAllContainers();
                    reportDeleted(origin, deleted);
                })
                .thenUnstashAll();
    }

    // ---- containers ----

    /** A command for one of the cell's containers, or a notice from containerd about it. */
    private Effect<CellEvent, CellRecord> onContainerMessage(CellRecord state, Routed routed) {
        String name = routed.target().name();
        boolean known = !gone(state) && containers.isRunning(name) && state.containerNames().contains(name);
        if (routed.message() instanceof Notice) {
            if (containers.isRunning(name)) {
                containers.forward(name, routed);
            }
            return Effect().none();
        }
        ObjectCommand command = (ObjectCommand) routed.message();
        if (command instanceof ObjectCommand.Get) {
            if (known) {
                containers.forward(name, routed);
            } else {
                command.fail(new NotFoundException(Kind.CONTAINER, routed.target()));
            }
            return Effect().none();
        }
        if (gone(state)) {
            command.fail(notFound());
            return Effect().none();
        }
        if (state.activity() == Activity.DELETING) {
            command.fail(deleteStillOpen());
            return Effect().none();
        }
        if (command instanceof ObjectCommand.Upsert upsert) {
            if (upsert.mode().createOnly() && known) {
                containers.forward(name, new Routed(routed.target(), new ObjectCommand.Get(upsert.replyTo())));
                return Effect().none();
            }
            return onContainerUpsert(state, upsert, ((TreeObject.Container) upsert.desired()).spec());
        }
        if (!known) {
            command.fail(new NotFoundException(Kind.CONTAINER, routed.target()));
            return Effect().none();
        }
        if (command instanceof ObjectCommand.Delete) {
            if (name.equals(state.spec().rootContainerId())) {
                command.fail(new FailedPreconditionException("RootContainer",
                        "the root container of a cell cannot be removed; delete the cell instead"));
                return Effect().none();
            }
            return onUpdate(state, command, state.labels(), state.annotations(), state.spec().withoutContainer(name), false);
        }
        boolean starts = command instanceof ObjectCommand.Start || command instanceof ObjectCommand.Restart;
        FailedPreconditionException refused = starts ? rootRestarts.refusedStart(state, name) : null;
        if (refused != null) {
            command.fail(refused);
            return Effect().none();
        }
        return runContainerOp(state, routed.target(), command);
    }

    /** Kind Container in a manifest: add or replace one container of an existing cell; answered with the container. */
    private Effect<CellEvent, CellRecord> onContainerUpsert(CellRecord state, ObjectCommand.Upsert upsert,
                                                            ContainerSpec container) {
        boolean exists = state.spec().container(container.id()) != null;
        if (!exists && container.root()) {
            upsert.fail(new InvalidArgumentException("spec.root",
                    "cell \"" + path.name() + "\" already has its root container \"" + state.spec().rootContainerId() + "\""));
            return Effect().none();
        }
        return onUpdate(state, upsert, state.labels(), state.annotations(), state.spec().withContainer(container), false,
                path.child(container.id()), exists ? Reply.Outcome.UPDATED : Reply.Outcome.CREATED);
    }

    /** Start, stop, kill or restart one container: the cell supplies the root's namespaces. */
    private Effect<CellEvent, CellRecord> runContainerOp(CellRecord state, ObjectPath target, ObjectCommand command) {
        work = new OnContainer(command);
        intents.onContainer(state, target, command);
        return Effect().none();
    }

    private Effect<CellEvent, CellRecord> onContainerOpDone(CellRecord state, CellIntents.ContainerOpDone done) {
        ObjectCommand command = ((OnContainer) work).command();
        work = CellWork.IDLE;
        if (done.error() != null) {
            command.fail(done.error());
        } else {
            containers.forward(done.target().name(), new Routed(done.target(), new ObjectCommand.Get(command.replyTo())));
        }
        EffectBuilder<CellEvent, CellRecord> aroundNewRoot = aroundNewRoot(state);
        return aroundNewRoot != null ? aroundNewRoot.thenUnstashAll() : Effect().unstashAll();
    }

    private Effect<CellEvent, CellRecord> onContainerChanged(CellRecord state, ContainerProtocol.Changed changed) {
        containers.report(changed.name(), changed.container());
        if (gone(state) || !containers.isRunning(changed.name())) {
            return Effect().none();
        }
        return afterReports(state);
    }

    /**
     * What the containers' reports mean for the cell now: a new root, a root gone, a delete once done,
     * a workload's failure.
     */
    private EffectBuilder<CellEvent, CellRecord> afterReports(CellRecord state) {
        Map<String, ContainerStatus> reported = CellView.statuses(containers.reports());
        EffectBuilder<CellEvent, CellRecord> aroundNewRoot = aroundNewRoot(state);
        if (aroundNewRoot != null) {
            return aroundNewRoot;
        }
        if (state.rootRestartOwed()) {
            publish(state);   // the cell restarts whole: what its containers do until then decides nothing
            return Effect().none();
        }
        RuntimeFailure failure = canJudge(state) ? bringUp.failureIn(state, reported) : null;
        if (failure != null) {
            return failBringUp(failure);
        }
        CellState derived = CellStateRules.derive(state.spec(), reported, runtimeDown);
        if (CellStateRules.doneForAutoDelete(state, derived) && !busy() && state.activity() == Activity.NONE) {
            // Written before it is carried out: a crash from here on finishes the delete at recovery,
            // and one before it finds the containers exited again and comes back here.
            work = new Deleting(new ChildMessages.Resumed());
            return Effect().persist(new CellEvent.DeleteRequested(Instant.now())).thenRun(this::carryOut);
        }
        // A stopped cell's containers are down on purpose: only a cell meant to run fails by its workloads.
        if (derived == CellState.Error && state.run().desired()
                && state.sticky() == null && !busy() && state.activity() == Activity.NONE) {
            return Effect().persist(CellStateRules.workloadFailure(state.spec(), reported, Instant.now()))
                    .thenRun(this::publish);
        }
        publish(state);
        return Effect().none();
    }

    /**
     * The cell's root came back alone, or exited for good: the cell restarts around a new root, at
     * once or after the backoff its run of root exits owes (null: the root is as the cell started it).
     */
    private EffectBuilder<CellEvent, CellRecord> aroundNewRoot(CellRecord state) {
        Map<String, ContainerStatus> reported = CellView.statuses(containers.reports());
        if (rootRestarts.cameBackAlone(state, reported, !busy() && state.activity() == Activity.NONE)) {
            return restartAroundNewRoot();
        }
        CellEvent.RootExited exit = canJudge(state) ? rootRestarts.exitIn(state, reported) : null;
        return exit == null ? null : Effect().persist(exit).thenRun(s -> {
            rootRestarts.exitWritten(s, exit);
            publish(s);
        });
    }

    /**
     * What a pod does when its sandbox comes back: the cell starts again around the new root (its
     * address released and taken again in the new namespace, the workloads moved in), a start with
     * no one waiting that its journal records like any other.
     */
    private EffectBuilder<CellEvent, CellRecord> restartAroundNewRoot() {
        return recordAndCarry(new CellEvent.StartRequested(Instant.now()), Activity.STARTING, Waiting.none());
    }

    private Effect<CellEvent, CellRecord> onRootRestartDue(CellRecord state, RootRestartDue due) {
        return rootRestarts.dueNow(state, due, gone(state), canJudge(state)) ? restartAroundNewRoot() : Effect().none();
    }

    private Effect<CellEvent, CellRecord> onBroadcast(CellRecord state, Broadcast broadcast) {
        runtimeDown = !broadcast.runtimeAvailable();
        containers.tellRunning(broadcast);
        if (!gone(state) && broadcast.reprovision() && !busy() && state.activity() == Activity.NONE) {
            intents.reprovision(state);
        }
        if (broadcast.reprovision() || !broadcast.runtimeAvailable()) {
            intents.groupMayBeGone();
        }
        if (!gone(state) && broadcast.runtimeAvailable() && !busy() && state.activity() != Activity.NONE) {
            // An intent written while containerd did not answer (a stop, a delete): carried out now.
            resume(state);
        }
        publish(state);
        return Effect().none();
    }

    // ---- events ----

    @Override
    public EventHandler<CellRecord, CellEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(CellRecord::apply);
    }

    // ---- recovery ----

    /** Answers whoever waits; the record's activity is resumed at recovery. */
    @Override
    protected void abandonWork(UnavailableException why) {
        work.waiting().fail(why);
        if (work instanceof Deleting deleting) {
            abandonDelete(deleting.origin(), why);
        } else if (work instanceof OnContainer on) {
            on.command().fail(why);
        }
        if (!(work instanceof Retired)) {
            work = CellWork.IDLE;
        }
    }

    /** Containers recover themselves (adopting running tasks); the cell resumes an interrupted intent. */
    @Override
    protected void onRecovered(CellRecord state) {
        if (!state.exists()) {
            return;
        }
        publishSecrets(state);   // before the containers, which look them up when they start
        intents.spawnContainers(state);
        if (state.activity() == Activity.NONE) {
            intents.recovered(state);
            bringUp.recovered(state);   // interrupted within its window: the verdict is still to come
            rootRestarts.scheduleOwed(state);
        } else {
            resume(state);
        }
        publish(state);
    }

    /**
     * Carries out the intent the record holds, with nobody waiting for it (its caller had its answer),
     * unless it must wait for the node's restart gate (see {@link CellIntents#heldBackByGate}).
     */
    private void resume(CellRecord state) {
        if (intents.heldBackByGate(state)) {
            return;
        }
        work = state.activity() == Activity.DELETING ? new Deleting(new ChildMessages.Resumed())
                : CellWork.carrying(state.activity(), Waiting.none());
        carryOut(state);
    }

    // ---- answers and the view ----

    /** The work in flight is done: its waiters are told the cell (or container) as it is now. */
    private void complete(CellRecord state) {
        Waiting waiting = work.waiting();
        work = CellWork.IDLE;
        publish(state);
        waiting.answer(target -> viewOf(state, target));
    }

    /** containerd did not answer: {@code what} ("the stop") stays written and is carried out when it does (onBroadcast). */
    private static UnavailableException recordedUntilContainerdAnswers(UnavailableException down, String what) {
        return new UnavailableException(down.kind(), down.getMessage() + "; " + what + " is recorded and is carried out"
                + " when containerd answers again", down);
    }

    private UnavailableException deleteStillOpen() {
        return new UnavailableException(UnavailableException.RUNTIME_UNAVAILABLE, "cell \"" + path.name()
                + "\" is being deleted: its delete is recorded and waits for containerd to answer again");
    }

    private void abort(Throwable error) {
        Waiting waiting = work.waiting();
        work = CellWork.IDLE;
        waiting.fail(error);
    }

    private void publish(CellRecord state) {
        if (!gone(state)) {
            ports.index().put(view(state, null));
        }
    }

    private TreeObject viewOf(CellRecord state, ObjectPath target) {
        return views.of(state, target, containers.reports(), runtimeDown, bringUp.shownDue(state));
    }

    @Override
    protected boolean exists(CellRecord state) {
        return state.exists();
    }

    @Override
    protected TreeObject view(CellRecord state, GroupStatus.Usage usage) {
        return views.cell(state, containers.reports(), runtimeDown, usage, bringUp.shownDue(state));
    }
}
