package io.kukeon.supervisor;

import io.kukeon.model.CellSpec;
import io.kukeon.model.CellState;
import io.kukeon.model.CellStatus;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.Metadata;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A cell: a pod of containers around a root container whose net, ipc and uts namespaces the
 * others join. It owns the cell's cgroup and one {@link ContainerActor} per container, and
 * derives its displayed state from its own intent (started, stopped, failed) and from what its
 * containers report.
 */
public final class CellActor extends TreeNode<CellActor.Event, CellActor.State> {

    // ---- protocol: results of the cell's operations ----

    /** @param rootPid the new root's pid when the update restarted the whole cell, else null */
    private record Provisioned(GroupStatus cgroup, Integer rootPid, Throwable error) implements TreeCommand {}

    private record StartDone(Integer rootPid, Throwable error) implements TreeCommand {}

    /** The containers' journals hold what they answered a start (see {@link CellOperations#journaled}). */
    private record ContainersJournaled(Throwable error) implements TreeCommand {}

    private record StopDone(Throwable error) implements TreeCommand {}

    private record DeleteDone(Throwable error) implements TreeCommand {}

    private record ContainerOpDone(Request request, Throwable error) implements TreeCommand {}

    // ---- events ----

    public sealed interface Event extends JournalEvent permits CellCreated, CellUpdated, CgroupProvisioned,
            ProvisionFailed, StartRequested, Started, StartFailed, StopRequested, Stopped, WorkloadFailed,
            DeleteRequested, Deleted, DeleteFailed {}

    /** @param start apply creates a running cell: the start is part of the intent, so a crash cannot lose it */
    public record CellCreated(CellSpec spec, Map<String, String> labels, boolean start, Instant at) implements Event {
        public String summary() {
            return "created with " + spec.containers().size() + " container(s)";
        }
    }

    /** @param start the update also asks a cell that never ran to run */
    public record CellUpdated(CellSpec spec, Map<String, String> labels, long generation, boolean start, Instant at)
            implements Event {
        public String summary() {
            return "updated to generation " + generation;
        }
    }

    public record CgroupProvisioned(GroupStatus cgroup, Instant at) implements Event {
        public String summary() {
            return "cgroup " + cgroup.path() + " ready";
        }
    }

    public record ProvisionFailed(String reason, String message, Instant at) implements Event {
        public String summary() {
            return "provisioning failed: " + message;
        }
    }

    public record StartRequested(Instant at) implements Event {
        public String summary() {
            return "start requested";
        }
    }

    public record Started(int rootPid, Instant at) implements Event {
        public String summary() {
            return "started, root pid " + rootPid;
        }
    }

    public record StartFailed(String reason, String message, Instant at) implements Event {
        public String summary() {
            return "start failed: " + message;
        }
    }

    public record StopRequested(boolean kill, Instant at) implements Event {
        public String summary() {
            return kill ? "kill requested" : "stop requested";
        }
    }

    public record Stopped(Instant at) implements Event {
        public String summary() {
            return "stopped";
        }
    }

    public record WorkloadFailed(String container, Integer exitCode, String message, Instant at) implements Event {
        public String summary() {
            return message;
        }
    }

    public record DeleteRequested(Instant at) implements Event {
        public String summary() {
            return "delete requested";
        }
    }

    public record Deleted(Instant at) implements Event {
        public String summary() {
            return "deleted";
        }
    }

    public record DeleteFailed(String reason, String message, Instant at) implements Event {
        public String summary() {
            return "delete failed: " + message;
        }
    }

    // ---- state ----

    /** The intent the cell is carrying out; NONE when it is at rest. */
    public enum Activity { NONE, PROVISIONING, STARTING, STOPPING, DELETING }

    /**
     * @param desiredRunning started and not stopped since
     * @param retiring       containers removed from the spec, still to be deleted
     * @param sticky         Failed or Error, kept until the next start or delete
     */
    public record State(boolean exists, CellSpec spec, Map<String, String> labels, long generation,
                        long observedGeneration, Activity activity, boolean desiredRunning, Set<String> retiring,
                        GroupStatus cgroup, Integer rootPid, CellState sticky, String reason, String message,
                        boolean readyObserved, boolean everStarted, Instant createdAt, Instant updatedAt,
                        Instant readyAt) implements CborSerializable {

        static State empty() {
            return new State(false, null, Map.of(), 0, 0, Activity.NONE, false, Set.of(), null, null, null, null, null,
                    false, false, null, null, null);
        }

        State with(Activity op, Instant at) {
            return new State(exists, spec, labels, generation, observedGeneration, op, desiredRunning, retiring, cgroup,
                    rootPid, sticky, reason, message, readyObserved, everStarted, createdAt, at, readyAt);
        }

        State created(CellCreated e) {
            return new State(true, e.spec(), e.labels(), generation + 1, observedGeneration, Activity.PROVISIONING,
                    e.start(), Set.of(), null, null, null, null, null, false, false, e.at(), e.at(), null);
        }

        State updated(CellUpdated e) {
            Set<String> gone = new TreeSet<>(retiring);
            gone.addAll(CellOperations.names(spec));
            gone.removeAll(CellOperations.names(e.spec()));
            return new State(true, e.spec(), e.labels(), e.generation(), observedGeneration, Activity.PROVISIONING,
                    desiredRunning || e.start(), Set.copyOf(gone), cgroup, rootPid, sticky, reason, message, readyObserved,
                    everStarted, createdAt, e.at(), readyAt);
        }

        State provisioned(CgroupProvisioned e) {
            return new State(true, spec, labels, generation, generation, Activity.NONE, desiredRunning, Set.of(),
                    e.cgroup(), rootPid, sticky == CellState.Failed && !desiredRunning ? null : sticky, reason,
                    message, readyObserved, everStarted, createdAt, e.at(), readyAt);
        }

        State failed(String why, String text, Instant at, CellState as) {
            return new State(true, spec, labels, generation, observedGeneration, Activity.NONE, desiredRunning,
                    retiring, cgroup, rootPid, as, why, text, readyObserved, everStarted, createdAt, at, readyAt);
        }

        State startRequested(StartRequested e) {
            return new State(true, spec, labels, generation, observedGeneration, Activity.STARTING, true, retiring,
                    cgroup, rootPid, null, null, null, false, everStarted, createdAt, e.at(), readyAt);
        }

        State started(Started e) {
            return new State(true, spec, labels, generation, observedGeneration, Activity.NONE, true, retiring, cgroup,
                    e.rootPid(), null, null, null, true, true, createdAt, e.at(), readyAt == null ? e.at() : readyAt);
        }

        State stopRequested(StopRequested e) {
            return new State(true, spec, labels, generation, observedGeneration, Activity.STOPPING, false, retiring,
                    cgroup, rootPid, null, null, null, readyObserved, everStarted, createdAt, e.at(), readyAt);
        }

        State stopped(Stopped e) {
            return new State(true, spec, labels, generation, observedGeneration, Activity.NONE, false, retiring,
                    cgroup, null, null, null, null, readyObserved, true, createdAt, e.at(), readyAt);
        }

        State deleted() {
            return new State(false, null, Map.of(), generation, observedGeneration, Activity.NONE, false, Set.of(),
                    null, null, null, null, null, false, false, null, null, null);
        }
    }

    // ---- factory ----

    public static Behavior<TreeCommand> create(ObjectPath path, ActorRef<TreeCommand> parent, Ports ports) {
        return supervised(Behaviors.setup(context -> new CellActor(context, path, parent, ports)));
    }

    private final ActorContext<TreeCommand> context;
    private final ObjectPath path;
    private final ActorRef<TreeCommand> parent;
    private final CellOperations operations;
    private final Map<String, ActorRef<TreeCommand>> containerRefs = new java.util.concurrent.ConcurrentHashMap<>();
    private long incarnations;

    // Transient: what containers last reported, and who waits for the operation in flight.
    private final Map<String, ContainerStatus> reported = new HashMap<>();
    private final List<Request> waiting = new ArrayList<>();
    private Reply.Outcome waitingOutcome = Reply.Outcome.DONE;
    private boolean busy;
    private boolean runtimeDown;
    private boolean retired;
    private Request deleteRequest;

    private CellActor(ActorContext<TreeCommand> context, ObjectPath path, ActorRef<TreeCommand> parent, Ports ports) {
        super(PersistenceIds.of(path), ports);
        this.context = context;
        this.path = path;
        this.parent = parent;
        this.operations = new CellOperations(ports, path, context.getSystem().scheduler(), Blocking.executor(context),
                this::containerRef);
    }

    private ActorRef<TreeCommand> containerRef(String name) {
        // Called from operation chains as well: spawning is only ever done on the actor's thread (below).
        ActorRef<TreeCommand> ref = containerRefs.get(name);
        if (ref == null) {
            throw new IllegalStateException("no actor for container " + name + " of " + path);
        }
        return ref;
    }

    private void spawnContainers(State state) {
        Set<String> wanted = new LinkedHashSet<>(CellOperations.names(state.spec()));
        wanted.addAll(state.retiring());
        for (String name : wanted) {
            containerRefs.computeIfAbsent(name, n -> context.spawn(
                    ContainerActor.create(path.child(n), context.getSelf(), ports), n + "." + (++incarnations)));
        }
    }

    private void stopRetiredContainers(State state) {
        Set<String> keep = CellOperations.names(state.spec());
        for (String name : new ArrayList<>(containerRefs.keySet())) {
            if (!keep.contains(name) && !state.retiring().contains(name)) {
                context.stop(containerRefs.remove(name));
                reported.remove(name);
            }
        }
    }

    @Override
    public State emptyState() {
        return State.empty();
    }

    // ---- commands ----

    @Override
    public CommandHandler<TreeCommand, Event, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Request.class, this::onRequest)
                .onCommand(Provisioned.class, this::onProvisioned)
                .onCommand(StartDone.class, this::onStartDone)
                .onCommand(ContainersJournaled.class, this::onContainersJournaled)
                .onCommand(StopDone.class, this::onStopDone)
                .onCommand(DeleteDone.class, this::onDeleteDone)
                .onCommand(ContainerOpDone.class, this::onContainerOpDone)
                .onCommand(UsageRead.class, (state, read) -> {
                    read.request().reply(Reply.of(view(state, read.usage()), Reply.Outcome.DONE));
                    return Effect().none();
                })
                .onCommand(ContainerActor.Changed.class, this::onContainerChanged)
                .onCommand(ChildMessages.Probe.class, (state, probe) -> {
                    if (!state.exists()) {
                        probe.parent().tell(new ChildMessages.Gone(path.name(), true, null, null));
                    }
                    return Effect().none();
                })
                .onCommand(Broadcast.class, this::onBroadcast)
                .build();
    }

    private Effect<Event, State> onRequest(State state, Request request) {
        if (!request.targets(path)) {
            return onContainerRequest(state, request);
        }
        Operation op = request.op();
        if (op instanceof Operation.Get) {
            return onGet(state, request);
        }
        if (!state.exists() || retired) {
            if (op instanceof Operation.Upsert upsert && !retired) {
                return onCreate(request, upsert);
            }
            NotFoundException missing = new NotFoundException(Kind.CELL, path);
            if (op instanceof Operation.Delete) {
                parent.tell(new ChildMessages.DeleteFailed(path.name(), request, missing));   // the parent waits for it
            } else {
                request.fail(missing);
            }
            return Effect().none();
        }
        if (busy) {
            return Effect().stash();
        }
        if (op instanceof Operation.Upsert upsert && upsert.createOnly()) {
            request.reply(Reply.of(view(state, null), Reply.Outcome.UNCHANGED));
            return Effect().none();
        }
        if (op instanceof Operation.Upsert upsert) {
            return onUpdate(state, request, upsert.desired().metadata().labels(),
                    ((TreeObject.Cell) upsert.desired()).spec(), upsert.start());
        }
        if (op instanceof Operation.Delete) {
            deleteRequest = request;
            return Effect().persist(new DeleteRequested(Instant.now())).thenRun(s -> runDelete(s, request));
        }
        if (op instanceof Operation.Start) {
            waiting.add(request);
            return Effect().persist(new StartRequested(Instant.now())).thenRun(this::runStart);
        }
        if (op instanceof Operation.Stop stop) {
            return requestStop(request, stop.timeout(), false);
        }
        if (op instanceof Operation.Kill) {
            return requestStop(request, null, true);
        }
        if (op instanceof Operation.Restart restart) {
            // Stop, then start once stopped (the start request waits in the stash).
            Request stopPart = new Request(path, new Operation.Stop(restart.timeout()), null);
            context.getSelf().tell(new Request(path, new Operation.Start(), request.replyTo()));
            return requestStop(stopPart, restart.timeout(), false);
        }
        request.fail(new InvalidArgumentException("operation", op.getClass().getSimpleName() + " does not apply to a cell"));
        return Effect().none();
    }

    private Effect<Event, State> onGet(State state, Request request) {
        if (!state.exists() || retired) {
            request.fail(new NotFoundException(Kind.CELL, path));
            return Effect().none();
        }
        readUsage(context, request, () -> ports.cgroups().usage(ports.ids().cgroup(path)));
        return Effect().none();
    }

    private Effect<Event, State> onCreate(Request request, Operation.Upsert upsert) {
        CellSpec spec = ((TreeObject.Cell) upsert.desired()).spec().normalized();
        waiting.add(request);
        waitingOutcome = Reply.Outcome.CREATED;
        return Effect().persist(new CellCreated(spec, upsert.desired().metadata().labels(), upsert.start(), Instant.now()))
                .thenRun(this::runProvision);
    }

    private Effect<Event, State> onUpdate(State state, Request request, Map<String, String> labels, CellSpec desired,
                                          boolean start) {
        CellSpec spec = desired.normalized();
        if (spec.equals(state.spec()) && labels.equals(state.labels())) {
            if (start && (state.sticky() == CellState.Failed || !state.desiredRunning() && !state.everStarted())) {
                // Apply asks for a running cell: one whose bring-up failed (an image missing then,
                // present now), or that never ran, is started rather than reported as it is.
                waiting.add(request);
                waitingOutcome = Reply.Outcome.UNCHANGED;
                return Effect().persist(new StartRequested(Instant.now())).thenRun(this::runStart);
            }
            request.reply(Reply.of(view(state, null), Reply.Outcome.UNCHANGED));
            return Effect().none();
        }
        waiting.add(request);
        waitingOutcome = Reply.Outcome.UPDATED;
        boolean startToo = start && !state.desiredRunning() && !state.everStarted();
        return Effect().persist(new CellUpdated(spec, labels, state.generation() + 1, startToo, Instant.now()))
                .thenRun(this::runProvision);
    }

    /**
     * Cgroup, then specs to the container actors, then (when running) the containers whose spec
     * changed; then, for a cell meant to run that does not yet, the start.
     */
    private void runProvision(State state) {
        busy = true;
        spawnContainers(state);
        publish(state);
        CellSpec spec = state.spec();
        Integer rootPid = state.desiredRunning() ? state.rootPid() : null;
        List<String> retiring = List.copyOf(state.retiring());
        context.pipeToSelf(operations.ensureCgroup(spec).thenCompose(cgroup ->
                        operations.deleteAll(retiring)
                                .thenCompose(done -> operations.define(spec))
                                .thenCompose(definitions -> rootPid == null ? CompletableFuture.<Integer>completedFuture(null)
                                        : operations.applyToRunning(spec, definitions, rootPid)
                                                .thenCompose(newRoot -> operations.journaled(spec).thenApply(d -> newRoot)))
                                .thenApply(newRoot -> new Provisioned(cgroup, newRoot, null))),
                (done, error) -> error == null ? done : new Provisioned(null, null, Blocking.unwrap(error)));
    }

    private Effect<Event, State> onProvisioned(State state, Provisioned result) {
        busy = false;
        if (result.error() != null) {
            String message = ScopeProvisioning.describe(result.error());
            return Effect().persist(new ProvisionFailed(reasonOf(result.error(), "ProvisionFailed"), message, Instant.now()))
                    .thenRun(s -> finish(s, null))
                    .thenUnstashAll();
        }
        List<Event> events = new ArrayList<>();
        events.add(new CgroupProvisioned(result.cgroup(), Instant.now()));
        if (result.rootPid() != null) {
            events.add(new Started(result.rootPid(), Instant.now()));
        }
        boolean thenStart = state.desiredRunning() && state.rootPid() == null && result.rootPid() == null;
        if (thenStart) {
            events.add(new StartRequested(Instant.now()));
            return Effect().persist(events).thenRun(s -> {
                stopRetiredContainers(s);
                runStart(s);
            });
        }
        return Effect().persist(events)
                .thenRun(s -> {
                    stopRetiredContainers(s);
                    finish(s, null);
                })
                .thenUnstashAll();
    }

    private void runStart(State state) {
        busy = true;
        spawnContainers(state);
        publish(state);
        CellSpec spec = state.spec();
        // No cgroup step here: it was written at create or update, recreated at recovery, and runc
        // creates a missing parent itself; a start stays as short as containerd allows.
        context.pipeToSelf(operations.start(spec, state.rootPid()),
                (pid, error) -> new StartDone(pid, Blocking.unwrap(error)));
    }

    private Effect<Event, State> onStartDone(State state, StartDone result) {
        if (result.error() != null) {
            busy = false;
            String message = ScopeProvisioning.describe(result.error());
            // Nothing half-started is left running: kill what did start (each container journals it).
            state.spec().containers().forEach(c -> operations.stopOne(c.id(), Duration.ZERO, true));
            return Effect().persist(new StartFailed(reasonOf(result.error(), "StartCellFailed"), message, Instant.now()))
                    .thenRun(s -> finish(s, null))
                    .thenUnstashAll();
        }
        // Written while the containers write theirs; still busy until the answer, which waits for both.
        CompletionStage<Done> containersJournaled = operations.journaled(state.spec());
        return Effect().persist(new Started(result.rootPid(), Instant.now()))
                .thenRun(s -> context.pipeToSelf(containersJournaled,
                        (done, error) -> new ContainersJournaled(Blocking.unwrap(error))));
    }

    private Effect<Event, State> onContainersJournaled(State state, ContainersJournaled result) {
        busy = false;
        if (result.error() != null) {
            publish(state);
            failWaiting(result.error());
        } else {
            finish(state, null);
        }
        return Effect().unstashAll();
    }

    private Effect<Event, State> requestStop(Request request, Duration timeout, boolean kill) {
        waiting.add(request);
        return Effect().persist(new StopRequested(kill, Instant.now())).thenRun(s -> runStop(s, timeout, kill));
    }

    private void runStop(State state, Duration timeout, boolean kill) {
        busy = true;
        publish(state);
        context.pipeToSelf(operations.stop(state.spec(), timeout, kill),
                (done, error) -> new StopDone(Blocking.unwrap(error)));
    }

    private Effect<Event, State> onStopDone(State state, StopDone result) {
        busy = false;
        if (result.error() != null) {
            failWaiting(result.error());
            return Effect().unstashAll();
        }
        return Effect().persist(new Stopped(Instant.now()))
                .thenRun(s -> finish(s, null))
                .thenUnstashAll();
    }

    private void runDelete(State state, Request request) {
        busy = true;
        deleteRequest = request;
        spawnContainers(state);
        publish(state);
        context.pipeToSelf(operations.delete(state.spec(), state.retiring()),
                (done, error) -> new DeleteDone(Blocking.unwrap(error)));
    }

    private Effect<Event, State> onDeleteDone(State state, DeleteDone result) {
        busy = false;
        Request request = deleteRequest;
        deleteRequest = null;
        if (result.error() != null) {
            return Effect().persist(new DeleteFailed(reasonOf(result.error(), "DeleteFailed"),
                            ScopeProvisioning.describe(result.error()), Instant.now()))
                    .thenRun(s -> {
                        publish(s);
                        parent.tell(new ChildMessages.DeleteFailed(path.name(), request, result.error()));
                    })
                    .thenUnstashAll();
        }
        List<String> deleted = new ArrayList<>();
        state.spec().containers().forEach(c -> deleted.add(path.child(c.id()).toString()));
        deleted.add(path.toString());
        return Effect().persist(new Deleted(Instant.now()))
                .thenRun(s -> {
                    retired = true;
                    containerRefs.values().forEach(context::stop);
                    containerRefs.clear();
                    ports.index().remove(path);
                    parent.tell(new ChildMessages.Gone(path.name(), false, request, Reply.deleted(deleted)));
                })
                .thenUnstashAll();
    }

    // ---- containers ----

    private Effect<Event, State> onContainerRequest(State state, Request request) {
        String name = request.target().name();
        Operation op = request.op();
        boolean known = state.exists() && !retired && containerRefs.containsKey(name)
                && CellOperations.names(state.spec()).contains(name);
        if (op instanceof Operation.TaskExited || op instanceof Operation.TaskOomKilled
                || op instanceof Operation.InjectFailure) {
            if (containerRefs.containsKey(name)) {
                containerRefs.get(name).tell(request);
            }
            return Effect().none();
        }
        if (op instanceof Operation.Get) {
            if (known) {
                containerRefs.get(name).tell(request);
            } else {
                request.fail(new NotFoundException(Kind.CONTAINER, request.target()));
            }
            return Effect().none();
        }
        if (!state.exists() || retired) {
            request.fail(new NotFoundException(Kind.CELL, path));
            return Effect().none();
        }
        if (busy) {
            return Effect().stash();
        }
        if (op instanceof Operation.Upsert upsert) {
            if (upsert.createOnly() && known) {
                containerRefs.get(name).tell(new Request(request.target(), new Operation.Get(), request.replyTo()));
                return Effect().none();
            }
            return onContainerUpsert(state, request, (TreeObject.Container) upsert.desired());
        }
        if (!known) {
            request.fail(new NotFoundException(Kind.CONTAINER, request.target()));
            return Effect().none();
        }
        if (op instanceof Operation.Delete) {
            if (name.equals(state.spec().rootContainerId())) {
                request.fail(new FailedPreconditionException("RootContainer",
                        "the root container of a cell cannot be removed; delete the cell instead"));
                return Effect().none();
            }
            List<ContainerSpec> rest = state.spec().containers().stream().filter(c -> !c.id().equals(name)).toList();
            CellSpec spec = new CellSpec(rest, state.spec().rootContainerId(), state.spec().autoDelete(),
                    state.spec().resources());
            return onUpdate(state, request, state.labels(), spec, false);
        }
        return runContainerOp(state, request, name, op);
    }

    /** Kind Container in a manifest: add or replace one container of an existing cell. */
    private Effect<Event, State> onContainerUpsert(State state, Request request, TreeObject.Container desired) {
        ContainerSpec container = desired.spec();
        List<ContainerSpec> list = new ArrayList<>();
        boolean replaced = false;
        for (ContainerSpec c : state.spec().containers()) {
            if (c.id().equals(container.id())) {
                list.add(container.withRoot(c.root()));
                replaced = true;
            } else {
                list.add(c);
            }
        }
        if (!replaced) {
            if (container.root()) {
                request.fail(new InvalidArgumentException("spec.root",
                        "cell \"" + path.name() + "\" already has its root container \"" + state.spec().rootContainerId() + "\""));
                return Effect().none();
            }
            list.add(container);
        }
        CellSpec spec = new CellSpec(list, state.spec().rootContainerId(), state.spec().autoDelete(),
                state.spec().resources());
        return onUpdate(state, request, state.labels(), spec, false);
    }

    /** Start, stop, kill or restart one container: the cell supplies the root's namespaces. */
    private Effect<Event, State> runContainerOp(State state, Request request, String name,
                                                Operation op) {
        boolean isRoot = name.equals(state.spec().rootContainerId());
        CompletionStage<ContainerStatus> work;
        if (op instanceof Operation.Stop stop) {
            work = operations.stopOne(name, stop.timeout(), false);
        } else if (op instanceof Operation.Kill) {
            work = operations.stopOne(name, null, true);
        } else if (op instanceof Operation.Start || op instanceof Operation.Restart) {
            if (!isRoot && state.rootPid() == null) {
                request.fail(new FailedPreconditionException("CellNotRunning",
                        "cell \"" + path.name() + "\" is not running; start the cell first"));
                return Effect().none();
            }
            Map<String, String> joins = isRoot ? Map.of() : CellOperations.joinsOf(state.rootPid());
            Duration timeout = op instanceof Operation.Restart r ? r.timeout() : null;
            work = (op instanceof Operation.Restart
                    ? operations.stopOne(name, timeout, false).thenCompose(s -> operations.startOne(name, joins, false))
                    : operations.startOne(name, joins, false));
        } else {
            request.fail(new InvalidArgumentException("operation", op.getClass().getSimpleName() + " does not apply to a container"));
            return Effect().none();
        }
        busy = true;
        context.pipeToSelf(work, (status, error) -> new ContainerOpDone(request, Blocking.unwrap(error)));
        return Effect().none();
    }

    private Effect<Event, State> onContainerOpDone(State state, ContainerOpDone done) {
        busy = false;
        if (done.error() != null) {
            done.request().fail(done.error());
        } else {
            containerRefs.get(done.request().target().name()).tell(new Request(done.request().target(),
                    new Operation.Get(), done.request().replyTo()));
        }
        return Effect().unstashAll();
    }

    private Effect<Event, State> onContainerChanged(State state, ContainerActor.Changed changed) {
        if (!containerRefs.containsKey(changed.name())) {
            return Effect().none();
        }
        reported.put(changed.name(), changed.status());
        if (!state.exists() || retired) {
            return Effect().none();
        }
        CellState derived = CellStateRules.derive(state.spec(), reported, runtimeDown);
        // A stopped cell's containers are down on purpose: only a cell meant to run fails by its workloads.
        if (derived == CellState.Error && state.desiredRunning() && state.sticky() == null && !busy
                && state.activity() == Activity.NONE) {
            ContainerStatus failed = CellStateRules.firstFailedWorkload(state.spec(), reported);
            String message = failed == null ? "a workload failed" : "container \"" + failed.name() + "\" "
                    + (failed.exitCode() == null ? "failed" : "exited with code " + failed.exitCode())
                    + (failed.oomKilled() ? " (OOMKilled)" : "");
            return Effect().persist(new WorkloadFailed(failed == null ? null : failed.name(),
                            failed == null ? null : failed.exitCode(), message, Instant.now()))
                    .thenRun(this::publish);
        }
        publish(state);
        return Effect().none();
    }

    private Effect<Event, State> onBroadcast(State state, Broadcast broadcast) {
        runtimeDown = !broadcast.runtimeAvailable();
        containerRefs.values().forEach(ref -> ref.tell(broadcast));
        if (state.exists() && !retired && broadcast.reprovision() && !busy && state.activity() == Activity.NONE) {
            operations.ensureCgroup(state.spec());   // a reboot removes the tree; limits are re-applied as they are
        }
        publish(state);
        return Effect().none();
    }

    // ---- events ----

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(CellCreated.class, State::created)
                .onEvent(CellUpdated.class, State::updated)
                .onEvent(CgroupProvisioned.class, State::provisioned)
                .onEvent(ProvisionFailed.class, (s, e) -> s.failed(e.reason(), e.message(), e.at(), CellState.Failed))
                .onEvent(StartRequested.class, State::startRequested)
                .onEvent(Started.class, State::started)
                .onEvent(StartFailed.class, (s, e) -> s.failed(e.reason(), e.message(), e.at(), CellState.Failed))
                .onEvent(StopRequested.class, State::stopRequested)
                .onEvent(Stopped.class, State::stopped)
                .onEvent(WorkloadFailed.class, (s, e) -> s.failed("WorkloadFailed", e.message(), e.at(), CellState.Error))
                .onEvent(DeleteRequested.class, (s, e) -> s.with(Activity.DELETING, e.at()))
                .onEvent(Deleted.class, (s, e) -> s.deleted())
                .onEvent(DeleteFailed.class, (s, e) -> s.failed(e.reason(), e.message(), e.at(), s.sticky()))
                .build();
    }

    // ---- recovery ----

    @Override
    public SignalHandler<State> signalHandler() {
        return lifecycleSignals().onSignal(RecoveryCompleted.instance(), this::onRecovered).build();
    }

    @Override
    protected void abandonRequests(io.kukeon.model.UnavailableException why) {
        failWaiting(why);
        if (deleteRequest != null) {
            parent.tell(new ChildMessages.DeleteFailed(path.name(), deleteRequest, why));
            deleteRequest = null;
        }
        busy = false;
        // The containers' actors stopped with this one; it outlives a restart, their refs do not.
        containerRefs.clear();
        reported.clear();
    }

    /** Containers recover themselves (adopting running tasks); the cell resumes an interrupted intent. */
    private void onRecovered(State state) {
        if (!state.exists()) {
            return;
        }
        spawnContainers(state);
        switch (state.activity()) {
            case PROVISIONING -> runProvision(state);
            case STARTING -> runStart(state);
            case STOPPING -> runStop(state, null, false);
            case DELETING -> runDelete(state, null);
            case NONE -> operations.ensureCgroup(state.spec());
        }
        publish(state);
    }

    // ---- state shown ----

    private void finish(State state, Reply.Outcome outcome) {
        publish(state);
        Reply reply = Reply.of(view(state, null), outcome != null ? outcome : waitingOutcome);
        for (Request request : waiting) {
            request.reply(reply);
        }
        waiting.clear();
        waitingOutcome = Reply.Outcome.DONE;
    }

    private void failWaiting(Throwable error) {
        for (Request request : waiting) {
            request.fail(error);
        }
        waiting.clear();
        waitingOutcome = Reply.Outcome.DONE;
    }

    private void publish(State state) {
        if (state.exists() && !retired) {
            ports.index().put(view(state, null));
        }
    }

    private TreeObject view(State s, GroupStatus.Usage usage) {
        List<ContainerStatus> containers = new ArrayList<>();
        for (ContainerSpec c : s.spec().containers()) {
            ContainerStatus st = reported.get(c.id());
            containers.add(st != null ? st : ContainerStatus.notCreated(c.id(), ports.ids().containerdId(path.child(c.id()))));
        }
        GroupStatus cgroup = s.cgroup() == null ? GroupStatus.missing(ports.ids().cgroup(path).toString()) : s.cgroup();
        CellState shown = CellStateRules.display(s, reported, runtimeDown);
        String reason = s.reason();
        String message = s.message();
        if (shown == CellState.Unknown && runtimeDown) {
            reason = "RuntimeUnavailable";
            message = "containerd does not answer; the state is not known";
        }
        CellStatus status = new CellStatus(shown, reason, message, usage == null ? cgroup : cgroup.withUsage(usage),
                containers, s.readyObserved(), s.createdAt(), s.updatedAt(), s.readyAt(), s.observedGeneration());
        return new TreeObject.Cell(path, new Metadata(path.name(), s.labels(), s.generation()), s.spec(), status);
    }

    private static String reasonOf(Throwable error, String fallback) {
        return error instanceof io.kukeon.model.KukeonException k ? k.kind() : fallback;
    }
}
