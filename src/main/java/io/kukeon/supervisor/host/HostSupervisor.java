package io.kukeon.supervisor.host;

import io.kukeon.model.GroupStatus;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.network.NetworkOverlaps;
import io.kukeon.network.SpaceNetworkSource;
import io.kukeon.network.SubnetPool;
import io.kukeon.network.UserNetwork;
import io.kukeon.supervisor.host.HostEvent.NetworkFileClaimed;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.Resources;
import io.kukeon.model.TreeObject;
import io.kukeon.model.UnavailableException;
import io.kukeon.supervisor.Notice;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Ports;
import io.kukeon.supervisor.Routed;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.supervisor.host.HostEvent.DaemonStarted;
import io.kukeon.supervisor.host.HostEvent.NamespaceClaimed;
import io.kukeon.supervisor.host.HostEvent.RealmAdded;
import io.kukeon.supervisor.host.HostEvent.RealmRemoved;
import io.kukeon.supervisor.host.HostEvent.SubnetClaimed;
import io.kukeon.supervisor.host.HostEvent.SubnetReleased;
import io.kukeon.supervisor.scope.ScopeActor;
import io.kukeon.supervisor.tree.Blocking;
import io.kukeon.supervisor.tree.Broadcast;
import io.kukeon.supervisor.tree.ChildMessages;
import io.kukeon.supervisor.tree.Children;
import io.kukeon.supervisor.tree.Failures;
import io.kukeon.supervisor.tree.TreeNode;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The root of the tree: the event-sourced registry of realms. It routes every message down to
 * the realm it concerns, turns the runtime's events into notices for the container they name,
 * and tells the tree when containerd came back (or periodically) so that every level reconciles.
 */
public final class HostSupervisor extends TreeNode<HostEvent, HostRecord> {

    public static final PersistenceId PERSISTENCE_ID = PersistenceId.of("Host", "local");
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HostSupervisor.class);

    // ---- protocol ----

    /** A task event from containerd, for the container with this ID in this namespace. */
    public record RuntimeEvent(String namespace, String containerdId, Notice notice) implements TreeCommand {}

    /** containerd became reachable (relist: events in the gap are lost) or unreachable. */
    public record RuntimeAvailability(boolean available, String reason) implements TreeCommand {}

    private record RelistTick() implements TreeCommand {}

    private record RecordStart() implements TreeCommand {}

    /** The spaces that have an egress chain at start-up (null with {@code error} when they could not be listed). */
    private record EgressChainsListed(Set<ObjectPath> spaces, Throwable error) implements TreeCommand {}

    // ---- factory ----

    /** @param relistInterval how often the tree relists what containerd holds (the event stream may miss things) */
    public static Behavior<TreeCommand> create(Ports ports, Duration relistInterval) {
        return supervised(Behaviors.setup(context -> Behaviors.<TreeCommand>withTimers(timers ->
                new HostSupervisor(context, timers, ports, relistInterval))));
    }

    private final TimerScheduler<TreeCommand> timers;
    private final Duration relistInterval;
    private final Children<Void> realms;
    /** Whether containerd answered last time it was heard from: the relist tells the tree so. */
    private boolean runtimeAvailable = true;
    /** What the host is doing: writing that the daemon started (commands wait for it), or routing. */
    private Work work = Work.ROUTING;

    private enum Work { RECORDING_START, ROUTING }

    private HostSupervisor(ActorContext<TreeCommand> context, TimerScheduler<TreeCommand> timers, Ports ports,
                           Duration relistInterval) {
        super(context, PERSISTENCE_ID, null, null, ports, null);
        this.timers = timers;
        this.relistInterval = relistInterval;
        this.realms = childRegistry((path, self) -> ScopeActor.create(path, self, ports, null));
    }

    @Override
    public HostRecord emptyState() {
        return new HostRecord(null, null, null);
    }

    @Override
    protected boolean exists(HostRecord state) {
        return true;
    }

    @Override
    protected TreeObject view(HostRecord state, GroupStatus.Usage usage) {
        throw new UnsupportedOperationException("the host is not an object of the API");
    }

    /** Only while the daemon's start is being written: the journal shows every start before what followed it. */
    @Override
    protected boolean busy() {
        return work == Work.RECORDING_START;
    }

    @Override
    protected void abandonWork(UnavailableException why) {
        work = Work.ROUTING;   // recovery writes the start again
    }

    @Override
    public CommandHandler<TreeCommand, HostEvent, HostRecord> commandHandler() {
        CommandHandlerBuilder<TreeCommand, HostEvent, HostRecord> builder = newCommandHandlerBuilder();
        whileBusy(builder);
        builder.forAnyState()
                .onCommand(Routed.class, this::onRouted)
                .onCommand(ChildMessages.NamespaceHeld.class, this::onNamespaceHeld)
                .onCommand(ChildMessages.ClaimSubnet.class, this::onClaimSubnet)
                .onCommand(ChildMessages.ReleaseSubnet.class, this::onReleaseSubnet)
                .onCommand(RuntimeEvent.class, this::onRuntimeEvent)
                .onCommand(RuntimeAvailability.class, this::onAvailability)
                .onCommand(RelistTick.class, (state, tick) -> {
                    realms.broadcast(state.realms(), new Broadcast(false, runtimeAvailable));
                    return Effect().none();
                })
                .onCommand(EgressChainsListed.class, this::onEgressChainsListed)
                .onCommand(RecordStart.class, (state, start) -> Effect().persist(new DaemonStarted(Instant.now()))
                        .thenRun(s -> work = Work.ROUTING).thenUnstashAll())
                .onCommand(ChildMessages.Absent.class, (state, absent) -> forgetAbsentChild(state.realms(), realms,
                        absent, new RealmRemoved(absent.name())))
                .onCommand(ChildMessages.Gone.class, (state, gone) -> forgetChild(state.realms(), realms, gone,
                        new RealmRemoved(gone.name()), s -> { }))
                .onCommand(ChildMessages.DeleteFailed.class, (state, failed) -> childDeleteFailed(state.realms(), realms,
                        failed, new RealmRemoved(failed.name())));
        return builder.build();
    }

    /**
     * Routes down; a message that adds a realm first claims the realm's namespace, which no other
     * realm may hold. The claim is written with the realm, so it holds across a crash, and the
     * host decides one message at a time, so two concurrent applies cannot both claim it.
     */
    private Effect<HostEvent, HostRecord> onRouted(HostRecord state, Routed routed) {
        String realm = routed.childNameBelow(null);
        if (state.realms().contains(realm) || !(routed.message() instanceof ObjectCommand.Upsert upsert)) {
            return routeToChild(state.realms(), realms, routed, name -> new RealmAdded(name, null));
        }
        if (!state.claimsComplete()) {
            return Effect().stash();   // realms from an older journal have not told their namespaces yet
        }
        String namespace = routed.target().segments().size() == 1 && upsert.desired() instanceof TreeObject.Realm r
                ? r.spec().namespaceOn(ports.ids(), realm) : ports.ids().namespace(realm);
        Optional<String> holder = state.claimantOf(namespace);
        if (holder.isPresent()) {
            upsert.fail(RealmSpec.namespaceInUse(namespace, holder.get()));
            return Effect().none();
        }
        return routeToChild(state.realms(), realms, routed, name -> new RealmAdded(name, namespace));
    }

    /** A realm from a journal written before claims tells its namespace: claim it now. */
    private Effect<HostEvent, HostRecord> onNamespaceHeld(HostRecord state, ChildMessages.NamespaceHeld held) {
        if (!state.realms().contains(held.realm()) || state.namespaces().containsKey(held.realm())) {
            return Effect().none();
        }
        return Effect().persist(new NamespaceClaimed(held.realm(), held.namespace())).thenUnstashAll();
    }

    /**
     * The space's network: the one it has, or (first time) the first /24 the pod subnet has free,
     * or the user's network its provisioning read, once it overlaps no other; journaled before it is told.
     */
    private Effect<HostEvent, HostRecord> onClaimSubnet(HostRecord state, ChildMessages.ClaimSubnet claim) {
        String space = claim.space().toString();
        Optional<SpaceNetworkSource> held = state.networkOf(space);
        if (claim.network() != null) {
            return claimNetworkFile(state, claim, held);
        }
        if (held.isPresent()) {
            claim.replyTo().tell(StatusReply.success(held.get()));
            return Effect().none();
        }
        if (claim.cniConfigPath() != null) {   // a cell came before its space claimed its network
            claim.replyTo().tell(StatusReply.error(new FailedPreconditionException("NetworkNotClaimed", "space "
                    + space + "'s network (spec.cniConfigPath " + claim.cniConfigPath() + ") is not made yet; its provisioning makes it")));
            return Effect().none();
        }
        SubnetPool pool = ports.networks().pool();
        List<Ipv4Subnet> inUse = state.subnets().values().stream().map(s -> Ipv4Subnet.parse(s, "journal")).toList();
        Ipv4Subnet free;
        try {
            NetworkOverlaps.checkPooledName(claim.space().realm(), claim.space().name(), state.networkClaims());
            free = pool.firstFree(inUse);
        } catch (ResourceExhaustedException | FailedPreconditionException refused) {
            claim.replyTo().tell(StatusReply.error(refused));
            return Effect().none();
        }
        return Effect().persist(new SubnetClaimed(space, free.toString()))
                .thenRun(s -> {
                    publishNetworks(s);
                    claim.replyTo().tell(StatusReply.success(SpaceNetworkSource.pooled(free)));
                });
    }

    /** A space's user network: checked against every other space's (durably here; the API checked it early, without the journal's order). */
    private Effect<HostEvent, HostRecord> claimNetworkFile(HostRecord state, ChildMessages.ClaimSubnet claim,
                                                           Optional<SpaceNetworkSource> held) {
        String space = claim.space().toString();
        UserNetwork network = claim.network();
        if (held.isPresent() && !held.get().fromFile()) {
            claim.replyTo().tell(StatusReply.error(new FailedPreconditionException(NetworkOverlaps.KIND, "space " + space
                    + " has kukeond's network on " + held.get() + "; spec.cniConfigPath cannot be added (delete the space and recreate it)")));
            return Effect().none();
        }
        try {
            NetworkOverlaps.check(space, network, state.networkClaims(), ports.networks().pool().podSubnet());
        } catch (FailedPreconditionException clash) {
            claim.replyTo().tell(StatusReply.error(clash));
            return Effect().none();
        }
        HostRecord.NetworkFile now = state.networkFiles().get(space);
        if (now != null && !now.name().equals(network.name())) {
            claim.replyTo().tell(StatusReply.error(new FailedPreconditionException("NetworkNameChanged", UserNetwork.FIELD
                    + ": the \"name\" of " + network.file() + " changed from \"" + now.name() + "\" to \"" + network.name()
                    + "\" since space " + space + " claimed it (its leases and attachments are kept under the old name); put"
                    + " the name back, or delete the space and recreate it")));
            return Effect().none();
        }
        NetworkFileClaimed claimed = new NetworkFileClaimed(space, network.file().toString(), network.name(), network.bridge(),
                network.subnet() == null ? null : network.subnet().toString());
        SpaceNetworkSource source = SpaceNetworkSource.file(network.file());
        if (now != null && now.equals(new HostRecord.NetworkFile(claimed.file(), claimed.name(), claimed.bridge()))
                && java.util.Objects.equals(state.subnets().get(space), claimed.subnet())) {
            claim.replyTo().tell(StatusReply.success(source));
            return Effect().none();
        }
        return Effect().persist(claimed).thenRun(s -> {
            publishNetworks(s);
            claim.replyTo().tell(StatusReply.success(source));
        });
    }

    /** What the API checks a space's network against before anything is routed. */
    private void publishNetworks(HostRecord state) {
        ports.index().putNetworkClaims(ports.networks().pool().podSubnet(), state.networkClaims());
    }

    private Effect<HostEvent, HostRecord> onReleaseSubnet(HostRecord state, ChildMessages.ReleaseSubnet release) {
        String space = release.space().toString();
        if (state.networkOf(space).isEmpty()) {
            release.replyTo().tell(StatusReply.success(Done.getInstance()));
            return Effect().none();
        }
        return Effect().persist(new SubnetReleased(space))
                .thenRun(s -> {
                    publishNetworks(s);
                    release.replyTo().tell(StatusReply.success(Done.getInstance()));
                });
    }

    private Effect<HostEvent, HostRecord> onRuntimeEvent(HostRecord state, RuntimeEvent event) {
        ports.index().realmOfNamespace(event.namespace())
                .map(realm -> ports.ids().containerPath(realm, event.containerdId()))
                .filter(path -> state.realms().contains(path.realm()))
                .ifPresent(path -> realms.forward(path.realm(), new Routed(path, event.notice())));
        return Effect().none();
    }

    private Effect<HostEvent, HostRecord> onAvailability(HostRecord state, RuntimeAvailability availability) {
        runtimeAvailable = availability.available();
        context.getLog().info("containerd {}{}", availability.available() ? "available" : "unavailable",
                availability.reason() == null ? "" : ": " + availability.reason());
        realms.broadcast(state.realms(), new Broadcast(availability.available(), availability.available()));
        return Effect().none();
    }

    /**
     * A chain whose space holds no network (neither a {@code /24} nor a user's conflist) belongs to
     * a space that is gone: a space claims its network before it makes its chain, and removes the
     * chain before it gives the network back.
     */
    private Effect<HostEvent, HostRecord> onEgressChainsListed(HostRecord state, EgressChainsListed listed) {
        if (listed.error() != null) {
            LOG.warn("cannot list the spaces' egress chains: {}", Failures.describe(listed.error()));
            return Effect().none();
        }
        List<ObjectPath> orphans = listed.spaces().stream().filter(s -> state.networkOf(s.toString()).isEmpty()).toList();
        if (!orphans.isEmpty()) {
            Blocking.runtime(context).execute(() -> orphans.forEach(this::removeOrphanChain));
        }
        return Effect().none();
    }

    private void removeOrphanChain(ObjectPath space) {
        try {
            ports.egress().remove(space);
            LOG.info("removed the egress chain of space {}, which no longer exists", space);
        } catch (RuntimeException e) {
            LOG.warn("cannot remove the egress chain of space {}, which no longer exists: {}", space, Failures.describe(e));
        }
    }

    @Override
    public EventHandler<HostRecord, HostEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(HostRecord::apply);
    }

    /**
     * Makes sure the cgroup root exists and the egress hooks are in place, starts every realm (each
     * space re-asserts its own chain), lists the egress chains to remove those of spaces that are
     * gone, and writes that the daemon started.
     */
    @Override
    protected void onRecovered(HostRecord state) {
        publishNetworks(state);
        Blocking.runtime(context).execute(() -> {
            try {
                ports.cgroups().ensure(ports.ids().cgroupRootPath(), Resources.NONE);
            } catch (RuntimeException e) {
                LOG.warn("cannot create the cgroup root {}: {}", ports.ids().cgroupRootPath(), e.getMessage());
            }
        });
        Blocking.pipe(context, () -> {
            ports.egress().ensureHooks();
            return ports.egress().spaces();
        }, EgressChainsListed::new);
        realms.spawnAndProbe(new HashSet<>(state.realms()));
        work = Work.RECORDING_START;   // commands that came during the replay wait for this write
        context.getSelf().tell(new RecordStart());
        if (!relistInterval.isZero()) {
            timers.startTimerWithFixedDelay(new RelistTick(), relistInterval);
        }
    }
}
