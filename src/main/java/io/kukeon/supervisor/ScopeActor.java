package io.kukeon.supervisor;

import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.LevelState;
import io.kukeon.model.LevelStatus;
import io.kukeon.model.Metadata;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A realm, a space or a stack: a level that owns a cgroup (a realm also owns a containerd
 * namespace) and supervises its children. The three levels differ only in their spec's fields
 * and in what lies below them, so one actor class serves all three.
 *
 * <p>Persist, act, persist: {@link Created}/{@link Updated}/{@link DeleteRequested} are intents,
 * written before the side effect; {@link Provisioned}/{@link Deleted}/{@link DeleteFailed} are
 * outcomes. An intent found without its outcome at recovery is carried out again (every step is
 * idempotent).
 */
public final class ScopeActor extends TreeNode<ScopeActor.Event, ScopeActor.State> {

    // ---- protocol: results of side effects (everything else arrives as shared tree messages) ----

    private record ProvisionDone(ScopeProvisioning.Result result, boolean silent) implements TreeCommand {}

    private record DeprovisionDone(Throwable error) implements TreeCommand {}

    // ---- events ----

    public sealed interface Event extends JournalEvent
            permits Created, Updated, Provisioned, ChildAdded, ChildRemoved, DeleteRequested, Deleted, DeleteFailed {}

    public record Created(ScopeSpec spec, Map<String, String> labels, Instant at) implements Event {
        public String summary() {
            return "created";
        }
    }

    public record Updated(ScopeSpec spec, Map<String, String> labels, long generation, Instant at) implements Event {
        public String summary() {
            return "updated to generation " + generation;
        }
    }

    public record Provisioned(GroupStatus cgroup, Boolean namespaceReady, LevelState state, String reason,
                              String message, Instant at) implements Event {
        public String summary() {
            return state == LevelState.Ready ? "ready (cgroup " + cgroup.path() + ")"
                    : state + ": " + reason + ": " + message;
        }
    }

    public record ChildAdded(String kind, String name) implements Event {
        public String summary() {
            return kind + " \"" + name + "\" added";
        }
    }

    public record ChildRemoved(String kind, String name) implements Event {
        public String summary() {
            return kind + " \"" + name + "\" removed";
        }
    }

    public record DeleteRequested(boolean cascade, Instant at) implements Event {
        public String summary() {
            return cascade ? "delete requested (cascade)" : "delete requested";
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

    public enum Phase { ABSENT, PROVISIONING, PROVISIONED, DELETING }

    public record State(Phase phase, ScopeSpec spec, Map<String, String> labels, long generation,
                        long observedGeneration, Set<String> children, GroupStatus cgroup, Boolean namespaceReady,
                        LevelState outcome, String reason, String message, Instant createdAt, Instant updatedAt,
                        Instant readyAt) implements CborSerializable {

        static State empty() {
            return new State(Phase.ABSENT, ScopeSpec.defaults(), Map.of(), 0, 0, Set.of(), null, null,
                    LevelState.Pending, null, null, null, null, null);
        }

        boolean exists() {
            return phase != Phase.ABSENT;
        }

        /** The state users see. */
        LevelState display() {
            return switch (phase) {
                case ABSENT -> LevelState.Pending;
                case PROVISIONING -> readyAt == null ? LevelState.Creating : outcome;
                case PROVISIONED -> outcome;
                case DELETING -> LevelState.Deleting;
            };
        }

        State created(Created e) {
            return new State(Phase.PROVISIONING, e.spec(), e.labels(), generation + 1, observedGeneration, children,
                    null, null, LevelState.Pending, null, null, e.at(), e.at(), null);
        }

        State updated(Updated e) {
            return new State(Phase.PROVISIONING, e.spec(), e.labels(), e.generation(), observedGeneration, children,
                    cgroup, namespaceReady, outcome, reason, message, createdAt, e.at(), readyAt);
        }

        State provisioned(Provisioned e) {
            Instant ready = readyAt == null && e.state() == LevelState.Ready ? e.at() : readyAt;
            return new State(Phase.PROVISIONED, spec, labels, generation, generation, children, e.cgroup(),
                    e.namespaceReady(), e.state(), e.reason(), e.message(), createdAt, e.at(), ready);
        }

        State withChild(String name, boolean present) {
            Set<String> c = new TreeSet<>(children);
            if (present) {
                c.add(name);
            } else {
                c.remove(name);
            }
            return new State(phase, spec, labels, generation, observedGeneration, Set.copyOf(c), cgroup,
                    namespaceReady, outcome, reason, message, createdAt, updatedAt, readyAt);
        }

        State deleting() {
            return new State(Phase.DELETING, spec, labels, generation, observedGeneration, children, cgroup,
                    namespaceReady, outcome, reason, message, createdAt, updatedAt, readyAt);
        }

        State deleteFailed(DeleteFailed e) {
            return new State(Phase.PROVISIONED, spec, labels, generation, observedGeneration, children, cgroup,
                    namespaceReady, outcome, e.reason(), e.message(), createdAt, e.at(), readyAt);
        }

        State deleted() {
            return new State(Phase.ABSENT, ScopeSpec.defaults(), Map.of(), generation, observedGeneration, children,
                    null, null, LevelState.Pending, null, null, null, null, null);
        }
    }

    // ---- factory ----

    public static Behavior<TreeCommand> create(ObjectPath path, ActorRef<TreeCommand> parent, Ports ports) {
        return supervised(Behaviors.setup(context -> new ScopeActor(context, path, parent, ports)));
    }


    private final ActorContext<TreeCommand> context;
    private final ObjectPath path;
    private final ActorRef<TreeCommand> parent;
    private final ChildRegistry children;

    // Transient: lost on a restart, which is why every intent is replayed at recovery.
    private final List<Request> awaitingProvision = new ArrayList<>();
    private Reply.Outcome provisionOutcome = Reply.Outcome.UNCHANGED;
    private boolean effectInFlight;
    private Request deleteRequest;
    /** A delete is in progress; its request is null when it was resumed at recovery. */
    private boolean deleting;
    /** The children a cascade delete still waits for, with the delete each was sent. */
    private final Map<String, Request> cascadePending = new LinkedHashMap<>();
    private final List<String> cascadeDeleted = new ArrayList<>();
    /** Deleted in this incarnation: never recreated by it (the parent starts a fresh actor). */
    private boolean retired;

    private ScopeActor(ActorContext<TreeCommand> context, ObjectPath path, ActorRef<TreeCommand> parent, Ports ports) {
        super(PersistenceIds.of(path), ports);
        this.context = context;
        this.path = path;
        this.parent = parent;
        this.children = new ChildRegistry(context, path, (childPath, self) -> childPath.kind() == Kind.CELL
                ? CellActor.create(childPath, self, ports)
                : ScopeActor.create(childPath, self, ports));
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
                .onCommand(ProvisionDone.class, this::onProvisionDone)
                .onCommand(DeprovisionDone.class, this::onDeprovisionDone)
                .onCommand(UsageRead.class, (state, msg) -> {
                    msg.request().reply(Reply.of(view(state, msg.usage()), Reply.Outcome.DONE));
                    return Effect().none();
                })
                .onCommand(ChildMessages.Probe.class, this::onProbe)
                .onCommand(ChildMessages.Gone.class, this::onChildGone)
                .onCommand(ChildMessages.DeleteFailed.class, this::onChildDeleteFailed)
                .onCommand(Broadcast.class, this::onBroadcast)
                .build();
    }

    private boolean busy() {
        return effectInFlight || deleting;
    }

    private Effect<Event, State> onRequest(State state, Request request) {
        if (!request.targets(path)) {
            return routeDown(state, request);
        }
        Operation op = request.op();
        if (op instanceof Operation.Get) {
            return onGet(state, request);
        }
        if (busy()) {
            return Effect().stash();
        }
        if (retired && op instanceof Operation.Delete) {
            reportDeleteFailed(request, new NotFoundException(path.kind(), path));
            return Effect().none();
        }
        if (op instanceof Operation.Upsert upsert) {
            return onUpsert(state, request, upsert);
        }
        if (op instanceof Operation.Delete delete) {
            return onDelete(state, request, delete);
        }
        request.fail(new InvalidArgumentException("kind",
                "only cells and containers can be started, stopped, killed or restarted, not a " + path.kind().label()));
        return Effect().none();
    }

    private Effect<Event, State> onGet(State state, Request request) {
        if (!state.exists()) {
            request.fail(new NotFoundException(path.kind(), path));
            return Effect().none();
        }
        readUsage(context, request, () -> ports.cgroups().usage(ports.ids().cgroup(path)));
        return Effect().none();
    }

    private Effect<Event, State> onUpsert(State state, Request request, Operation.Upsert upsert) {
        ScopeSpec desired = ScopeSpec.of(upsert.desired());
        Map<String, String> labels = upsert.desired().metadata().labels();
        if (!state.exists()) {
            if (retired) {
                request.fail(new NotFoundException(path.kind(), path));
                return Effect().none();
            }
            awaitingProvision.add(request);
            return Effect().persist(new Created(desired, labels, Instant.now()))
                    .thenRun(s -> provision(s, null, Reply.Outcome.CREATED, false));
        }
        if (upsert.createOnly()) {
            request.reply(Reply.of(view(state, null), Reply.Outcome.UNCHANGED));
            return Effect().none();
        }
        desired = desired.keepingPasswordsOf(state.spec(), RegistryCredential.REDACTED);
        if (path.kind() == Kind.REALM && !java.util.Objects.equals(
                desired.realmSpec().namespaceOn(ports.ids(), path.name()),
                state.spec().realmSpec().namespaceOn(ports.ids(), path.name()))) {
            request.fail(new FailedPreconditionException("NamespaceImmutable", "realm \"" + path.name()
                    + "\": spec.namespace cannot change; delete the realm and create it again"));
            return Effect().none();
        }
        if (desired.equals(state.spec()) && labels.equals(state.labels())) {
            if (state.outcome() == LevelState.Ready || state.phase() != Phase.PROVISIONED) {
                request.reply(Reply.of(view(state, null), Reply.Outcome.UNCHANGED));
                return Effect().none();
            }
            provision(state, request, Reply.Outcome.UNCHANGED, false);   // a failed level tries again
            return Effect().none();
        }
        awaitingProvision.add(request);
        return Effect().persist(new Updated(desired, labels, state.generation() + 1, Instant.now()))
                .thenRun(s -> provision(s, null, Reply.Outcome.UPDATED, false));
    }

    private void provision(State state, Request request, Reply.Outcome outcome, boolean silent) {
        if (request != null) {
            awaitingProvision.add(request);
        }
        provisionOutcome = outcome;
        effectInFlight = true;
        ScopeSpec spec = state.spec();
        Blocking.pipe(context, () -> ScopeProvisioning.provision(ports, path, spec),
                (result, error) -> new ProvisionDone(result != null ? result
                        : new ScopeProvisioning.Result(GroupStatus.missing(ports.ids().cgroup(path).toString()), null,
                        LevelState.Failed, "ProvisionFailed", ScopeProvisioning.describe(error)), silent));
    }

    private Effect<Event, State> onProvisionDone(State state, ProvisionDone done) {
        effectInFlight = false;
        ScopeProvisioning.Result r = done.result();
        boolean unchanged = state.phase() == Phase.PROVISIONED && r.state() == state.outcome()
                && java.util.Objects.equals(r.cgroup(), state.cgroup())
                && java.util.Objects.equals(r.namespaceReady(), state.namespaceReady())
                && java.util.Objects.equals(r.reason(), state.reason());
        if (done.silent() && unchanged) {
            publish(state);
            return Effect().unstashAll();
        }
        return Effect().persist(new Provisioned(r.cgroup(), r.namespaceReady(), r.state(), r.reason(), r.message(),
                        Instant.now()))
                .thenRun(s -> {
                    publish(s);
                    for (Request waiting : awaitingProvision) {
                        waiting.reply(Reply.of(view(s, null), provisionOutcome));
                    }
                    awaitingProvision.clear();
                })
                .thenUnstashAll();
    }

    /** Every answer to a delete goes through the parent, which holds back other requests for us meanwhile. */
    private Effect<Event, State> onDelete(State state, Request request, Operation.Delete delete) {
        if (!state.exists()) {
            reportDeleteFailed(request, new NotFoundException(path.kind(), path));
            return Effect().none();
        }
        if (!state.children().isEmpty() && !delete.cascade() && !delete.force()) {
            reportDeleteFailed(request, new FailedPreconditionException("ResourceHasDependencies",
                    path.kind().label() + " \"" + path.name() + "\" has " + state.children().size() + " "
                            + path.kind().child().label() + "(s). Use --cascade to delete them or --force to skip validation"));
            return Effect().none();
        }
        deleteRequest = request;
        return Effect().persist(new DeleteRequested(delete.cascade() || delete.force(), Instant.now()))
                .thenRun(s -> startDeletion(s, request));
    }

    /** Children first (depth-first), then our own resources. */
    private void startDeletion(State state, Request request) {
        deleteRequest = request;
        deleting = true;
        cascadePending.clear();
        cascadeDeleted.clear();
        if (state.children().isEmpty()) {
            deprovision(state);
            return;
        }
        for (String child : state.children()) {
            Request delete = new Request(children.pathOf(child), new Operation.Delete(true, false), null);
            cascadePending.put(child, delete);
            children.markDeleting(child);
            children.forward(child, delete);
        }
    }

    private void deprovision(State state) {
        effectInFlight = true;
        ScopeSpec spec = state.spec();
        Blocking.pipe(context, () -> {
            ScopeProvisioning.deprovision(ports, path, spec);
            return Boolean.TRUE;
        }, (ok, error) -> new DeprovisionDone(error));
    }

    private Effect<Event, State> onDeprovisionDone(State state, DeprovisionDone done) {
        effectInFlight = false;
        Request request = deleteRequest;
        deleteRequest = null;
        deleting = false;
        if (done.error() != null) {
            return Effect().persist(new DeleteFailed("DeleteFailed", ScopeProvisioning.describe(done.error()), Instant.now()))
                    .thenRun(s -> {
                        publish(s);
                        reportDeleteFailed(request, done.error());
                    })
                    .thenUnstashAll();
        }
        List<String> deleted = new ArrayList<>(cascadeDeleted);
        deleted.add(path.toString());
        return Effect().persist(new Deleted(Instant.now()))
                .thenRun(s -> {
                    retired = true;
                    ports.index().remove(path);
                    parent.tell(new ChildMessages.Gone(path.name(), false, request, Reply.deleted(deleted)));
                })
                .thenUnstashAll();
    }

    private void reportDeleteFailed(Request request, Throwable error) {
        parent.tell(new ChildMessages.DeleteFailed(path.name(), request, error));
    }

    // ---- children ----

    private Effect<Event, State> routeDown(State state, Request request) {
        if (!state.exists() || retired) {
            if (!retired && request.op() instanceof Operation.Upsert upsert && upsert.createParents()) {
                // Apply creates missing parents: this level first, with defaults, then the request again.
                return Effect().persist(new Created(ScopeSpec.defaults(), Map.of(), Instant.now()))
                        .thenRun(s -> {
                            provision(s, null, Reply.Outcome.CREATED, false);
                            context.getSelf().tell(request);
                        });
            }
            request.fail(new NotFoundException(path.kind(), path));
            return Effect().none();
        }
        if (request.op().mutates() && (busy() || state.phase() == Phase.DELETING)) {
            return Effect().stash();
        }
        return routeToChild(path, state.children(), children, request,
                name -> new ChildAdded(path.kind().child().label(), name));
    }

    private Effect<Event, State> onProbe(State state, ChildMessages.Probe probe) {
        if (!state.exists()) {
            probe.parent().tell(new ChildMessages.Gone(path.name(), true, null, null));
        }
        return Effect().none();
    }

    private Effect<Event, State> onChildGone(State state, ChildMessages.Gone gone) {
        return forgetChild(state.children(), children, gone, new ChildRemoved(path.kind().child().label(), gone.name()),
                s -> {
                    if (cascadePending.remove(gone.name()) != null) {
                        if (gone.reply() != null) {
                            cascadeDeleted.addAll(gone.reply().deleted());
                        }
                        if (cascadePending.isEmpty() && deleting) {
                            deprovision(s);
                        }
                    }
                });
    }

    private Effect<Event, State> onChildDeleteFailed(State state, ChildMessages.DeleteFailed failed) {
        Request asked = cascadePending.get(failed.name());
        if (asked != null && deleting && failed.childAbsent(children.pathOf(failed.name()))) {
            // Gone already: its delete finished before a crash that came before we recorded it.
            return onChildGone(state, new ChildMessages.Gone(failed.name(), false, null, null));
        }
        if (asked != null && deleting && failed.request() != asked) {
            // The answer to a delete an earlier incarnation of ours sent, abandoned when that child's
            // actor stopped with it; the child has ours now, and its answer will come.
            return Effect().none();
        }
        if (cascadePending.remove(failed.name()) != null && deleting) {
            // One child could not be deleted: this level stays, with the reason.
            children.unmarkDeleting(failed.name());
            Request request = deleteRequest;
            deleteRequest = null;
            deleting = false;
            cascadePending.keySet().forEach(children::unmarkDeleting);
            cascadePending.clear();
            String message = "could not delete " + path.kind().child().label() + " \"" + failed.name() + "\": "
                    + ScopeProvisioning.describe(failed.error());
            return Effect().persist(new DeleteFailed("DeleteFailed", message, Instant.now()))
                    .thenRun(s -> {
                        publish(s);
                        reportDeleteFailed(request, failed.error());
                    })
                    .thenUnstashAll();
        }
        return childDeleteFailed(state.children(), children, failed,
                new ChildRemoved(path.kind().child().label(), failed.name()));
    }

    private Effect<Event, State> onBroadcast(State state, Broadcast broadcast) {
        children.broadcast(state.children(), broadcast);
        if (state.phase() == Phase.PROVISIONED && !busy() && broadcast.reprovision()) {
            provision(state, null, Reply.Outcome.UNCHANGED, true);
        }
        return Effect().none();
    }

    // ---- events ----

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(Created.class, State::created)
                .onEvent(Updated.class, State::updated)
                .onEvent(Provisioned.class, State::provisioned)
                .onEvent(ChildAdded.class, (s, e) -> s.withChild(e.name(), true))
                .onEvent(ChildRemoved.class, (s, e) -> s.withChild(e.name(), false))
                .onEvent(DeleteRequested.class, (s, e) -> s.deleting())
                .onEvent(Deleted.class, (s, e) -> s.deleted())
                .onEvent(DeleteFailed.class, State::deleteFailed)
                .build();
    }

    // ---- recovery ----

    @Override
    public SignalHandler<State> signalHandler() {
        return lifecycleSignals().onSignal(RecoveryCompleted.instance(), this::onRecovered).build();
    }

    @Override
    protected void abandonRequests(io.kukeon.model.UnavailableException why) {
        awaitingProvision.forEach(r -> r.fail(why));
        awaitingProvision.clear();
        if (deleteRequest != null) {
            reportDeleteFailed(deleteRequest, why);   // the parent holds back requests for us until told
            deleteRequest = null;
        }
        deleting = false;
        cascadePending.clear();
        cascadeDeleted.clear();
        effectInFlight = false;
        children.forgetAll();   // stopped with this actor, which outlives a restart
    }

    private void onRecovered(State state) {
        children.spawnAndProbe(new HashSet<>(state.children()));
        switch (state.phase()) {
            case PROVISIONING -> provision(state, null, Reply.Outcome.UNCHANGED, false);
            case PROVISIONED -> provision(state, null, Reply.Outcome.UNCHANGED, true);
            case DELETING -> startDeletion(state, null);
            case ABSENT -> { }
        }
        publish(state);
    }

    // ---- view ----

    private void publish(State state) {
        if (state.exists() && !retired) {
            ports.index().put(view(state, null));
        }
    }

    private TreeObject view(State s, GroupStatus.Usage usage) {
        Metadata metadata = new Metadata(path.name(), s.labels(), s.generation());
        GroupStatus cgroup = s.cgroup() == null ? GroupStatus.missing(ports.ids().cgroup(path).toString()) : s.cgroup();
        String namespace = path.kind() == Kind.REALM ? s.spec().realmSpec().namespaceOn(ports.ids(), path.name()) : null;
        LevelStatus status = new LevelStatus(s.display(), s.reason(), s.message(), usage == null ? cgroup
                : cgroup.withUsage(usage), s.namespaceReady(), namespace, s.createdAt(), s.updatedAt(), s.readyAt(),
                s.observedGeneration());
        return switch (path.kind()) {
            case REALM -> new TreeObject.Realm(path, metadata, s.spec().realmSpec(), status);
            case SPACE -> new TreeObject.Space(path, metadata, s.spec().spaceSpec(), status);
            default -> new TreeObject.Stack(path, metadata, s.spec().stackSpec(), status);
        };
    }
}
