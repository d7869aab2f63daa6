package io.kukeon.supervisor.tree;

import io.kukeon.metrics.DaemonMetrics;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.model.UnavailableException;
import io.kukeon.supervisor.JournalEvent;
import io.kukeon.supervisor.JournalTags;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Ports;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.Routed;
import io.kukeon.supervisor.TreeCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.persistence.typed.javadsl.SignalHandlerBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every actor of the tree shares: its events tagged for the read journal, snapshots every N
 * events, backoff on journal failures, supervision by its parent, one gate that holds back what
 * changes the object while work is in flight, and (for the levels that have children) routing
 * down and forgetting children that report they do not exist.
 *
 * <p>An actor's journaled record is its event-sourced state; what its current incarnation is
 * doing (the work in flight and who waits for it) is one value beside it, which a restart after a
 * journal failure answers and resets ({@link #abandonWork}). Its children's actors are kept in
 * registries made by {@link #childRegistry}, which such a restart forgets.
 */
public abstract class TreeNode<E extends JournalEvent, S> extends EventSourcedBehavior<TreeCommand, E, S> {
    protected final ActorContext<TreeCommand> context;
    protected final Ports ports;
    /** The object this actor owns (null: the host). */
    protected final ObjectPath path;
    /** Who spawned it (null: the host, which is the guardian). */
    protected final ActorRef<TreeCommand> parent;
    /** The realm's namespace and registry logins, as the parent last told (a realm keeps its own). */
    protected RealmAccess realm;
    private final List<Children<?>> registries = new ArrayList<>();
    /** Messages waiting for their new child to be recorded before they are sent on. */
    private final List<Routed> routing = new ArrayList<>();
    /** Recoveries failed in a row (the object outlives its restarts): the first is told, the rest only counted. */
    private int failedRecoveries;

    // Immutable, so shared by all actors rather than made for each (two strategies and their durations an actor).
    private static final BackoffSupervisorStrategy ON_JOURNAL_FAILURE =
            SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2).withLoggingEnabled(false);
    private static final BackoffSupervisorStrategy ON_EXCEPTION =
            SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2);

    protected TreeNode(ActorContext<TreeCommand> context, PersistenceId persistenceId, ObjectPath path,
                       ActorRef<TreeCommand> parent, Ports ports, RealmAccess realm) {
        // Not logged by Pekko, whose lines carry a stack trace each: the journal's store says once that
        // it failed (JournalStore), and a failed recovery is told in one line (lifecycleSignals).
        super(persistenceId, ON_JOURNAL_FAILURE);
        this.context = context;
        this.ports = ports;
        this.path = path;
        this.parent = parent;
        this.realm = realm;
    }

    /** An exception restarts only this actor, which replays its own journal. */
    public static Behavior<TreeCommand> supervised(Behavior<TreeCommand> behavior) {
        return Behaviors.supervise(behavior).onFailure(ON_EXCEPTION);
    }

    @Override
    public Set<String> tagsFor(E event) {
        return JournalTags.ALL;
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(ports.settings().snapshotEvery(), 2);
    }

    /** A registry of children that a restart of this actor (which stops their actors) forgets. */
    protected <R> Children<R> childRegistry(BiFunction<ObjectPath, ActorRef<TreeCommand>, Behavior<TreeCommand>> factory) {
        Children<R> children = new Children<>(context, path, factory);
        registries.add(children);
        return children;
    }

    /** Whether the object exists (a probe's answer). */
    protected abstract boolean exists(S state);

    /** The object as the API shows it, with live usage when read. */
    protected abstract TreeObject view(S state, GroupStatus.Usage usage);

    /**
     * What every level answers the same way in any state: a Get once its usage is read, its parent's
     * probe, and the realm's new access, which it keeps and passes on to its children.
     */
    protected CommandHandlerBuilderByState<TreeCommand, E, S, S> inAnyState(CommandHandlerBuilder<TreeCommand, E, S> builder) {
        return builder.forAnyState()
                .onCommand(UsageRead.class, this::answerUsageRead)
                .onCommand(ChildMessages.Probe.class, (state, probe) -> answerProbe(exists(state), probe))
                .onCommand(RealmAccess.Changed.class, this::keepRealm);
    }

    /** {@link #inAnyState(CommandHandlerBuilder)} for an actor whose handlers are a {@link CommandTable}. */
    protected static <A extends TreeNode<E, S>, E extends JournalEvent, S> CommandTable.Builder<A, TreeCommand, E, S> inAnyState(
            CommandTable.Builder<A, TreeCommand, E, S> table) {
        return table.forAnyState()
                .on(UsageRead.class, TreeNode::answerUsageRead)
                .on(ChildMessages.Probe.class, (actor, state, probe) -> actor.answerProbe(actor.exists(state), probe))
                .on(RealmAccess.Changed.class, (actor, state, changed) -> actor.keepRealm(changed));
    }

    private Effect<E, S> answerUsageRead(S state, UsageRead read) {
        if (!exists(state)) {   // deleted while its usage was read
            read.get().fail(notFound());
        } else {
            read.get().reply(Reply.of(view(state, read.usage()), Reply.Outcome.DONE));
        }
        return Effect().none();
    }

    Effect<E, S> keepRealm(RealmAccess.Changed changed) {
        realm = changed.access();
        registries.forEach(children -> children.tellRunning(changed));
        return Effect().none();
    }

    // ---- work in flight ----

    /** Whether work is in flight: then what changes the object waits in the stash. */
    protected abstract boolean busy();

    /** Answers everyone waiting for the work in flight with {@code why}, and keeps only what outlives a restart. */
    protected abstract void abandonWork(UnavailableException why);

    /** What waits while {@link #busy()}: by default every command that changes an object, and a parent's cascade. */
    protected boolean waitsWhileBusy(TreeCommand command) {
        return command instanceof Routed routed && routed.message().mutates()
                || command instanceof ChildMessages.CascadeDelete;
    }

    /** The one place where commands wait for the work in flight; the actor adds what else is handled then. */
    protected CommandHandlerBuilderByState<TreeCommand, E, S, S> whileBusy(CommandHandlerBuilder<TreeCommand, E, S> builder) {
        return builder.forState(s -> busy()).onCommand(this::waitsWhileBusy, command -> Effect().stash());
    }

    /** {@link #whileBusy(CommandHandlerBuilder)} for an actor whose handlers are a {@link CommandTable}. */
    protected static <A extends TreeNode<E, S>, E extends JournalEvent, S> CommandTable.Builder<A, TreeCommand, E, S> whileBusy(
            CommandTable.Builder<A, TreeCommand, E, S> table) {
        return table.forState((actor, state) -> actor.busy())
                .on((actor, command) -> actor.waitsWhileBusy(command), (actor, state, command) -> actor.Effect().stash());
    }

    /** A Get's live usage, read off the actor's thread; the actor answers with its view then. */
    protected record UsageRead(ObjectCommand.Get get, GroupStatus.Usage usage) implements TreeCommand {}

    /** A Get of a level that owns a cgroup: its view with the cgroup's usage, or "not found". */
    protected Effect<E, S> answerGet(ObjectCommand.Get get, boolean exists) {
        if (!exists) {
            get.fail(notFound());
        } else {
            readUsage(get, () -> ports.cgroups().usage(ports.ids().cgroup(path)));
        }
        return Effect().none();
    }

    protected NotFoundException notFound() {
        return new NotFoundException(path.kind(), path);
    }

    // ---- deletes, answered through the parent (which holds back other messages for the child meanwhile) ----

    protected void reportDeleteFailed(ChildMessages.DeleteOrigin origin, Throwable error) {
        parent.tell(new ChildMessages.DeleteFailed(path.name(), origin, error));
    }

    /** The delete is done: the object (and the Secrets, Volumes and templates it held) leaves the index, and the parent forgets it and answers. */
    protected void reportDeleted(ChildMessages.DeleteOrigin origin, List<String> deleted) {
        ports.index().remove(path);
        ports.storedSecrets().removeScope(path);
        ports.storedVolumes().removeScope(path);
        ports.templates().removeScope(path);
        parent.tell(new ChildMessages.Gone(path.name(), origin, Reply.deleted(deleted)));
    }

    /** A restart interrupted the delete: whoever waits is told; one resumed at recovery had nobody. */
    protected void abandonDelete(ChildMessages.DeleteOrigin origin, UnavailableException why) {
        if (!(origin instanceof ChildMessages.Resumed)) {
            reportDeleteFailed(origin, why);
        }
    }

    /** Reads usage on the read pool (a Get never waits behind runtime work); a failed read answers without usage. */
    protected void readUsage(ObjectCommand.Get get, Supplier<GroupStatus.Usage> read) {
        Blocking.pipeRead(context, read, (usage, error) -> new UsageRead(get, error == null ? usage : null));
    }

    // ---- routing down ----

    /**
     * Sends a message for something below this level on to the child on its way; a new child is
     * recorded first (the event {@code childAdded} makes).
     */
    protected Effect<E, S> routeToChild(Set<String> existing, Children<?> children, Routed routed,
                                        Function<String, E> childAdded) {
        String child = routed.childNameBelow(path);
        switch (Routing.decide(path, existing, children, routed)) {
            case WAIT:
                return Effect().stash();
            case FORWARD:
                if (routed.message() instanceof ObjectCommand.Delete && routed.target().equals(children.pathOf(child))) {
                    children.markDeleting(child);   // until it is gone, other messages for it wait
                }
                children.forward(child, routed);
                return Effect().none();
            case ADD_CHILD:
                routing.add(routed);
                return Effect().persist(childAdded.apply(child)).thenRun(s -> {
                    routing.remove(routed);
                    children.forward(child, routed);
                });
            default:
                if (routed.message() instanceof ObjectCommand command) {
                    ObjectPath missing = children.pathOf(child);
                    command.fail(new NotFoundException(missing.kind(), missing));
                }
                return Effect().none();   // a notice for an object that is gone
        }
    }

    /**
     * A child says it does not exist (its delete finished, or a probe found a ghost of an
     * interrupted create): record {@code childRemoved}, stop it, answer the delete, then run {@code after}.
     */
    protected Effect<E, S> forgetChild(Set<String> existing, Children<?> children, ChildMessages.Gone gone,
                                       E childRemoved, Consumer<S> after) {
        if (!existing.contains(gone.name())) {
            children.stop(gone.name());
            return Effect().none();
        }
        return Effect().persist(childRemoved)
                .thenRun(s -> {
                    children.stop(gone.name());
                    gone.origin().answer(gone.reply());
                    after.accept(s);
                })
                .thenUnstashAll();
    }

    /** A probe found a child that does not exist: forget it, unless something was sent to it since. */
    protected Effect<E, S> forgetAbsentChild(Set<String> existing, Children<?> children, ChildMessages.Absent absent,
                                             E childRemoved) {
        if (!children.acceptProbeAnswer(absent.name())) {
            return Effect().none();
        }
        return forgetChild(existing, children, new ChildMessages.Gone(absent.name(), new ChildMessages.Resumed(), null),
                childRemoved, s -> { });
    }

    /** A child's delete failed: answer it; a child that confirms it does not exist is forgotten. */
    protected Effect<E, S> childDeleteFailed(Set<String> existing, Children<?> children,
                                             ChildMessages.DeleteFailed failed, E childRemoved) {
        children.unmarkDeleting(failed.name());
        failed.origin().fail(failed.error());
        if (failed.childAbsent(children.pathOf(failed.name())) && existing.contains(failed.name())) {
            return Effect().persist(childRemoved).thenRun(s -> children.stop(failed.name())).thenUnstashAll();
        }
        return Effect().unstashAll();
    }

    /** Answers a probe: a child that does not exist says so; one that does stays silent. */
    Effect<E, S> answerProbe(boolean exists, ChildMessages.Probe probe) {
        if (!exists) {
            probe.parent().tell(new ChildMessages.Absent(path.name()));
        }
        return Effect().none();
    }

    // ---- recovery and restarts ----

    /**
     * After the journal is replayed: resume the intent the record holds without its outcome (with
     * nobody waiting), reconcile with what the host holds, start the children.
     */
    protected abstract void onRecovered(S state);

    @Override
    public SignalHandler<S> signalHandler() {
        return lifecycleSignals().onSignal(RecoveryCompleted.instance(), state -> {
            failedRecoveries = 0;
            onRecovered(state);
        }).build();
    }

    /**
     * The journal refused a write: the behaviour restarts (with backoff) on this same object and
     * replays, and every command this actor holds gets UNAVAILABLE at once rather than a timeout.
     * Nothing was half-applied: side effects follow a successful write, their own or (a container's
     * start) their parent's, and the result of one still in flight comes back to the restarted actor.
     */
    private SignalHandlerBuilder<S> lifecycleSignals() {
        return newSignalHandlerBuilder()
                .onSignal(PreRestart.instance(), s -> {
                    DaemonMetrics.ACTOR_RESTARTS.labelValues(path == null ? "host" : path.kind().label()).inc();
                    abandonAll(new UnavailableException(UnavailableException.JOURNAL_UNAVAILABLE,
                            "the journal refused a write; nothing was changed, try again"));
                })
                .onSignal(PostStop.instance(), s -> abandonAll(new UnavailableException("Stopping",
                        "kukeond is stopping; try again")))
                .onSignal(RecoveryFailed.class, (s, failed) -> {
                    if (failedRecoveries++ == 0) {
                        context.getLog().warn("{} cannot read its journal ({}); it tries again with backoff",
                                describe(), Failures.describe(rootCause(failed.getFailure())));
                    }
                });
    }

    private String describe() {
        return path == null ? "the host" : path.kind().label() + " " + path;
    }

    /** The driver's own words ("Connection to HOST:PORT refused"), not the wrappers around them. */
    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private void abandonAll(UnavailableException why) {
        for (Routed r : routing) {
            if (r.message() instanceof ObjectCommand command) {
                command.fail(why);
            }
        }
        routing.clear();
        abandonWork(why);
        registries.forEach(Children::forgetAll);   // their actors stopped with this one
    }
}
