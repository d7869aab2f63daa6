package io.kukeon.supervisor;

import io.kukeon.model.GroupStatus;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.UnavailableException;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandlerBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every actor of the tree shares: its events tagged for the read journal, snapshots every N
 * events, backoff on journal failures, supervision by its parent, and (for the levels that have
 * children by name) routing down and forgetting children that report they do not exist.
 */
abstract class TreeNode<E extends JournalEvent, S> extends EventSourcedBehavior<TreeCommand, E, S> {
    protected final Ports ports;
    /** Requests waiting for their new child to be recorded before they are sent on. */
    private final List<Request> routing = new ArrayList<>();

    protected TreeNode(PersistenceId persistenceId, Ports ports) {
        super(persistenceId, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
        this.ports = ports;
    }

    /** A Get's live usage, read off the actor's thread; the actor answers with its view then. */
    protected record UsageRead(Request request, GroupStatus.Usage usage) implements TreeCommand {}

    /** Reads usage on the blocking dispatcher; a failed read answers without usage. */
    protected static void readUsage(ActorContext<TreeCommand> context, Request request, Supplier<GroupStatus.Usage> read) {
        Blocking.pipe(context, read::get, (usage, error) -> new UsageRead(request, error == null ? usage : null));
    }

    /** An exception restarts only this actor, which replays its own journal. */
    static Behavior<TreeCommand> supervised(Behavior<TreeCommand> behavior) {
        return Behaviors.supervise(behavior)
                .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    }

    @Override
    public Set<String> tagsFor(E event) {
        return JournalTags.ALL;
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(ports.settings().snapshotEvery(), 2);
    }

    /**
     * Sends a request for something below {@code owner} (null: the host) on to the child on its
     * way; a new child is recorded first (the event {@code childAdded} makes).
     */
    protected Effect<E, S> routeToChild(ObjectPath owner, Set<String> children, ChildRegistry registry, Request request,
                                        Function<String, E> childAdded) {
        String child = request.childNameBelow(owner);
        switch (Routing.decide(owner, children, registry, request)) {
            case WAIT:
                return Effect().stash();
            case FORWARD:
                if (request.op() instanceof Operation.Delete && request.target().equals(registry.pathOf(child))) {
                    registry.markDeleting(child);   // until it is gone, other requests for it wait
                }
                registry.forward(child, request);
                return Effect().none();
            case ADD_CHILD:
                routing.add(request);
                return Effect().persist(childAdded.apply(child)).thenRun(s -> {
                    routing.remove(request);
                    registry.forward(child, request);
                });
            default:
                ObjectPath missing = registry.pathOf(child);
                request.fail(new NotFoundException(missing.kind(), missing));
                return Effect().none();
        }
    }

    /**
     * The journal refused a write: the behaviour restarts (with backoff) and replays, and every
     * request this actor holds gets UNAVAILABLE at once rather than a timeout. Nothing was
     * half-applied: side effects follow a successful write, their own or (a container's start)
     * their parent's, and the result of one still in flight comes back to the restarted actor.
     */
    protected SignalHandlerBuilder<S> lifecycleSignals() {
        return newSignalHandlerBuilder()
                .onSignal(PreRestart.instance(), s -> abandonAll(new UnavailableException("JournalUnavailable",
                        "the journal refused a write; nothing was changed, try again")))
                .onSignal(PostStop.instance(), s -> abandonAll(new UnavailableException("Stopping",
                        "kukeond is stopping; try again")));
    }

    private void abandonAll(UnavailableException why) {
        routing.forEach(r -> r.fail(why));
        routing.clear();
        abandonRequests(why);
    }

    /** Answers every request the actor holds with {@code why}, and forgets the side effect in flight. */
    protected abstract void abandonRequests(UnavailableException why);

    /**
     * A child says it does not exist (its delete finished, or a probe found a ghost of an
     * interrupted create): record {@code childRemoved}, stop it, answer the delete, then run {@code after}.
     */
    protected Effect<E, S> forgetChild(Set<String> children, ChildRegistry registry, ChildMessages.Gone gone,
                                       E childRemoved, Consumer<S> after) {
        if (gone.fromProbe() && !registry.acceptProbeAnswer(gone.name())) {
            return Effect().none();
        }
        if (!children.contains(gone.name())) {
            registry.stop(gone.name());
            return Effect().none();
        }
        return Effect().persist(childRemoved)
                .thenRun(s -> {
                    registry.stop(gone.name());
                    if (gone.request() != null) {
                        gone.request().reply(gone.reply());
                    }
                    after.accept(s);
                })
                .thenUnstashAll();
    }

    /** A child's delete failed: answer it; a child that confirms it does not exist is forgotten. */
    protected Effect<E, S> childDeleteFailed(Set<String> children, ChildRegistry registry,
                                             ChildMessages.DeleteFailed failed, E childRemoved) {
        registry.unmarkDeleting(failed.name());
        if (failed.request() != null) {
            failed.request().fail(failed.error());
        }
        if (failed.childAbsent(registry.pathOf(failed.name())) && children.contains(failed.name())) {
            return Effect().persist(childRemoved).thenRun(s -> registry.stop(failed.name())).thenUnstashAll();
        }
        return Effect().unstashAll();
    }
}
