package io.kukeon.supervisor;

import io.kukeon.model.Kind;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.Resources;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The root of the tree: the event-sourced registry of realms. It routes every request down to
 * the realm it concerns, turns the runtime's events into requests for the container they name,
 * and tells the tree when containerd came back (or periodically) so that every level reconciles.
 */
public final class HostSupervisor extends EventSourcedBehavior<TreeCommand, HostSupervisor.Event, HostSupervisor.State> {

    public static final PersistenceId PERSISTENCE_ID = PersistenceId.of("Host", "local");
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HostSupervisor.class);

    // ---- protocol ----

    /** A task event from containerd, for the container with this ID in this namespace. */
    public record RuntimeEvent(String namespace, String containerdId, Operation op) implements TreeCommand {}

    /** containerd became reachable (relist: events in the gap are lost) or unreachable. */
    public record RuntimeAvailability(boolean available, String reason) implements TreeCommand {}

    private record RelistTick() implements TreeCommand {}

    // ---- events ----

    public sealed interface Event extends JournalEvent permits RealmAdded, RealmRemoved {}

    public record RealmAdded(String name) implements Event {
        public String summary() {
            return "realm \"" + name + "\" added";
        }
    }

    public record RealmRemoved(String name) implements Event {
        public String summary() {
            return "realm \"" + name + "\" removed";
        }
    }

    // ---- state ----

    public record State(Set<String> realms) implements CborSerializable {
        State with(String realm, boolean present) {
            Set<String> r = new TreeSet<>(realms);
            if (present) {
                r.add(realm);
            } else {
                r.remove(realm);
            }
            return new State(Set.copyOf(r));
        }
    }

    // ---- factory ----

    /** @param relistInterval how often the tree relists what containerd holds (the event stream may miss things) */
    public static Behavior<TreeCommand> create(Ports ports, Duration relistInterval) {
        return Behaviors.<TreeCommand>supervise(Behaviors.setup(context -> Behaviors.<TreeCommand>withTimers(timers ->
                        new HostSupervisor(context, timers, ports, relistInterval))))
                .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    }

    private final ActorContext<TreeCommand> context;
    private final TimerScheduler<TreeCommand> timers;
    private final Ports ports;
    private final Duration relistInterval;
    private final ChildRegistry realms;
    private boolean runtimeAvailable = true;

    private HostSupervisor(ActorContext<TreeCommand> context, TimerScheduler<TreeCommand> timers, Ports ports,
                           Duration relistInterval) {
        super(PERSISTENCE_ID, SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
        this.context = context;
        this.timers = timers;
        this.ports = ports;
        this.relistInterval = relistInterval;
        this.realms = new ChildRegistry(context, null, (path, self) -> ScopeActor.create(path, self, ports));
    }

    @Override
    public State emptyState() {
        return new State(Set.of());
    }

    @Override
    public Set<String> tagsFor(Event event) {
        return JournalTags.ALL;
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(ports.settings().snapshotEvery(), 2);
    }

    @Override
    public CommandHandler<TreeCommand, Event, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Request.class, this::onRequest)
                .onCommand(RuntimeEvent.class, this::onRuntimeEvent)
                .onCommand(RuntimeAvailability.class, this::onAvailability)
                .onCommand(RelistTick.class, (state, tick) -> {
                    realms.broadcast(state.realms(), new Broadcast(false, runtimeAvailable));
                    return Effect().none();
                })
                .onCommand(ChildMessages.Gone.class, this::onRealmGone)
                .onCommand(ChildMessages.DeleteFailed.class, this::onRealmDeleteFailed)
                .build();
    }

    private Effect<Event, State> onRequest(State state, Request request) {
        String realm = request.childNameBelow(null);
        switch (Routing.decide(null, state.realms(), realms, request)) {
            case WAIT:
                return Effect().stash();
            case FORWARD:
                if (request.op() instanceof Operation.Delete && request.target().kind() == Kind.REALM) {
                    realms.markDeleting(realm);
                }
                realms.forward(realm, request);
                return Effect().none();
            case ADD_CHILD:
                return Effect().persist(new RealmAdded(realm)).thenRun(s -> realms.forward(realm, request));
            default:
                request.fail(new NotFoundException(Kind.REALM, ObjectPath.of(realm)));
                return Effect().none();
        }
    }

    private Effect<Event, State> onRuntimeEvent(State state, RuntimeEvent event) {
        ports.index().realmOfNamespace(event.namespace())
                .map(realm -> ports.ids().containerPath(realm, event.containerdId()))
                .filter(path -> state.realms().contains(path.realm()))
                .ifPresent(path -> realms.forward(path.realm(), new Request(path, event.op(), null)));
        return Effect().none();
    }

    private Effect<Event, State> onAvailability(State state, RuntimeAvailability availability) {
        runtimeAvailable = availability.available();
        context.getLog().info("containerd {}{}", availability.available() ? "available" : "unavailable",
                availability.reason() == null ? "" : ": " + availability.reason());
        realms.broadcast(state.realms(), new Broadcast(availability.available(), availability.available()));
        return Effect().none();
    }

    private Effect<Event, State> onRealmGone(State state, ChildMessages.Gone gone) {
        if (gone.fromProbe() && !realms.acceptProbeAnswer(gone.name())) {
            return Effect().none();
        }
        if (!state.realms().contains(gone.name())) {
            realms.stop(gone.name());
            return Effect().none();
        }
        return Effect().persist(new RealmRemoved(gone.name()))
                .thenRun(s -> {
                    realms.stop(gone.name());
                    if (gone.request() != null) {
                        gone.request().reply(gone.reply());
                    }
                })
                .thenUnstashAll();
    }

    private Effect<Event, State> onRealmDeleteFailed(State state, ChildMessages.DeleteFailed failed) {
        realms.unmarkDeleting(failed.name());
        if (failed.request() != null) {
            failed.request().fail(failed.error());
        }
        if (failed.error() instanceof NotFoundException && state.realms().contains(failed.name())) {
            // The realm confirms it does not exist (a ghost of an interrupted create): forget it.
            return Effect().persist(new RealmRemoved(failed.name()))
                    .thenRun(s -> realms.stop(failed.name()))
                    .thenUnstashAll();
        }
        return Effect().unstashAll();
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(RealmAdded.class, (s, e) -> s.with(e.name(), true))
                .onEvent(RealmRemoved.class, (s, e) -> s.with(e.name(), false))
                .build();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), state -> {
            Blocking.executor(context).execute(() -> {
                try {
                    ports.cgroups().ensure(ports.ids().cgroupRootPath(), Resources.NONE);
                } catch (RuntimeException e) {
                    LOG.warn("cannot create the cgroup root {}: {}", ports.ids().cgroupRootPath(), e.getMessage());
                }
            });
            realms.spawnAndProbe(new HashSet<>(state.realms()));
            if (!relistInterval.isZero()) {
                timers.startTimerWithFixedDelay(new RelistTick(), relistInterval);
            }
        }).build();
    }
}
