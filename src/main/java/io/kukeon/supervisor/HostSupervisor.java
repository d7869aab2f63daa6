package io.kukeon.supervisor;

import io.kukeon.model.Resources;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The root of the tree: the event-sourced registry of realms. It routes every request down to
 * the realm it concerns, turns the runtime's events into requests for the container they name,
 * and tells the tree when containerd came back (or periodically) so that every level reconciles.
 */
public final class HostSupervisor extends TreeNode<HostSupervisor.Event, HostSupervisor.State> {

    public static final PersistenceId PERSISTENCE_ID = PersistenceId.of("Host", "local");
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HostSupervisor.class);

    // ---- protocol ----

    /** A task event from containerd, for the container with this ID in this namespace. */
    public record RuntimeEvent(String namespace, String containerdId, Operation op) implements TreeCommand {}

    /** containerd became reachable (relist: events in the gap are lost) or unreachable. */
    public record RuntimeAvailability(boolean available, String reason) implements TreeCommand {}

    private record RelistTick() implements TreeCommand {}

    private record RecordStart() implements TreeCommand {}

    // ---- events ----

    public sealed interface Event extends JournalEvent permits RealmAdded, RealmRemoved, DaemonStarted {}

    /** kukeond started (after a stop or a crash) and replayed the journal: history shows every restart of the daemon. */
    public record DaemonStarted(Instant at) implements Event {
        public String summary() {
            return "kukeond started, journal replayed";
        }
    }

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
        return supervised(Behaviors.setup(context -> Behaviors.<TreeCommand>withTimers(timers ->
                new HostSupervisor(context, timers, ports, relistInterval))));
    }

    private final ActorContext<TreeCommand> context;
    private final TimerScheduler<TreeCommand> timers;
    private final Duration relistInterval;
    private final ChildRegistry realms;
    private boolean runtimeAvailable = true;

    private HostSupervisor(ActorContext<TreeCommand> context, TimerScheduler<TreeCommand> timers, Ports ports,
                           Duration relistInterval) {
        super(PERSISTENCE_ID, ports);
        this.context = context;
        this.timers = timers;
        this.relistInterval = relistInterval;
        this.realms = new ChildRegistry(context, null, (path, self) -> ScopeActor.create(path, self, ports));
    }

    @Override
    public State emptyState() {
        return new State(Set.of());
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
                .onCommand(RecordStart.class, (state, start) -> Effect().persist(new DaemonStarted(Instant.now())))
                .onCommand(ChildMessages.Gone.class, this::onRealmGone)
                .onCommand(ChildMessages.DeleteFailed.class, this::onRealmDeleteFailed)
                .build();
    }

    private Effect<Event, State> onRequest(State state, Request request) {
        return routeToChild(null, state.realms(), realms, request, RealmAdded::new);
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
        return forgetChild(state.realms(), realms, gone, new RealmRemoved(gone.name()), s -> { });
    }

    private Effect<Event, State> onRealmDeleteFailed(State state, ChildMessages.DeleteFailed failed) {
        return childDeleteFailed(state.realms(), realms, failed, new RealmRemoved(failed.name()));
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(RealmAdded.class, (s, e) -> s.with(e.name(), true))
                .onEvent(RealmRemoved.class, (s, e) -> s.with(e.name(), false))
                .onEvent(DaemonStarted.class, (s, e) -> s)
                .build();
    }

    @Override
    protected void abandonRequests(io.kukeon.model.UnavailableException why) {
        // the host holds no request beyond the ones it routes (answered by the base)
        realms.forgetAll();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return lifecycleSignals().onSignal(RecoveryCompleted.instance(), state -> {
            Blocking.executor(context).execute(() -> {
                try {
                    ports.cgroups().ensure(ports.ids().cgroupRootPath(), Resources.NONE);
                } catch (RuntimeException e) {
                    LOG.warn("cannot create the cgroup root {}: {}", ports.ids().cgroupRootPath(), e.getMessage());
                }
            });
            realms.spawnAndProbe(new HashSet<>(state.realms()));
            context.getSelf().tell(new RecordStart());
            if (!relistInterval.isZero()) {
                timers.startTimerWithFixedDelay(new RelistTick(), relistInterval);
            }
        }).build();
    }
}
