package io.kukeon.fleet;

import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.SecretIndex;
import io.kukeon.supervisor.VolumeIndex;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.japi.pf.PFBuilder;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The nodes this kukeond knows: itself alone, or every member of its cluster with what membership
 * says of it (name, labels, capacity) and what it replicated of its load.
 */
public final class Fleet {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /** How long a read of the pending cells waits for a majority before it takes this member's replica. */
    private static final Duration READ_PENDING = Duration.ofSeconds(2);
    /** How long another member has to open its answer to a routed call. */
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);
    /** How often a member that waits for another's door asks the receptionist again. */
    private static final Duration DOOR_POLL = Duration.ofMillis(250);

    private final ActorSystem<?> system;
    private final ObjectIndex index;
    private final NodeRoles.Described self;
    private final boolean clustered;
    private final AtomicReference<String> problem = new AtomicReference<>();
    /** Seals the calls this member routes, and checks those routed here; null alone. */
    private final CallSeal seals;
    /** How long a downed node stays away before its cells move; null alone. */
    private final Duration failoverAfter;
    /** This node's load as it replicates it (with what it holds, in a fleet). */
    private final Supplier<NodeLoad> ownLoad;

    private Fleet(ActorSystem<?> system, ObjectIndex index, Supplier<NodeLoad> ownLoad,
                  NodeRoles.Described self, CallSeal seals, Duration failoverAfter) {
        this.system = system;
        this.index = index;
        this.ownLoad = ownLoad;
        this.self = self;
        this.clustered = seals != null;
        this.seals = seals;
        this.failoverAfter = failoverAfter;
    }

    /** A kukeond alone: one node, this host. */
    public static Fleet alone(ActorSystem<?> system, ObjectIndex index, String nodeName, Map<String, String> labels,
                              NodeCapacity capacity) {
        // alone, what it holds is not weighed: a cell naming a volume it lacks is Pending saying so, as always
        return new Fleet(system, index, () -> NodeLoad.of(index),
                new NodeRoles.Described(nodeName, labels, capacity, System.currentTimeMillis()), null, null);
    }

    /**
     * A member of a cluster; it takes its part once {@link #serve}d. It tells the others the names of
     * the {@code volumes} and {@code secrets} it holds, which placement weighs.
     */
    public static Fleet member(ActorSystem<?> system, ObjectIndex index, VolumeIndex volumes,
                               SecretIndex secrets, ClusterSettings settings) {
        NodeRoles.Described self = NodeRoles.read(Cluster.get(system).selfMember().getRoles());
        return new Fleet(system, index, () -> NodeLoad.of(index, volumes, secrets), self,
                new CallSeal(settings.secret().callKey(), java.time.Clock.systemUTC()), settings.failoverAfter());
    }

    public String nodeName() {
        return self.name();
    }

    public Map<String, String> nodeLabels() {
        return self.labels();
    }

    /** A member of a cluster, whose calls may be routed to other nodes. */
    public boolean clustered() {
        return clustered;
    }

    /**
     * Takes this node's part in the fleet: it replicates its load and its cells, watches for a
     * clash of names and for the cells moved off it while it was away (then lets {@code restarts}
     * through), opens its door to the other members (the calls they route here run on
     * {@code calls}), and takes its turn at running the downed nodes' cells elsewhere through
     * {@code moves}. Alone, nothing.
     */
    public void serve(NodeCalls calls, CellMoves moves, io.kukeon.supervisor.RestartGate restarts) {
        if (clustered) {
            system.systemActorOf(NodeWatch.create(self.name(), index, ownLoad, problem, moves, restarts), "kukeon-node-watch",
                    org.apache.pekko.actor.typed.Props.empty());
            system.systemActorOf(NodeGateway.create(calls, seals), "kukeon-node-gateway", org.apache.pekko.actor.typed.Props.empty());
            system.systemActorOf(ScopesForCells.sweeper(index, moves), "kukeon-scopes-for-cells",
                    org.apache.pekko.actor.typed.Props.empty());
            org.apache.pekko.cluster.typed.ClusterSingleton.get(system).init(
                    org.apache.pekko.cluster.typed.SingletonActor.of(Failover.create(failoverAfter, moves), "kukeon-failover"));
        }
    }

    /**
     * The other members that are Up and reachable now: node name to door, or to null while the
     * receptionist has not yet told this member of that one's door (the first seconds after it
     * joined): it cannot be asked yet.
     */
    public CompletionStage<Map<String, ActorRef<NodeGateway.Call>>> others() {
        if (!clustered) {
            return CompletableFuture.completedFuture(Map.of());
        }
        CompletionStage<Receptionist.Listing> listing = AskPattern.ask(system.receptionist(),
                replyTo -> Receptionist.find(NodeGateway.KEY, replyTo), READ_TIMEOUT, system.scheduler());
        return listing.thenApply(found -> {
            Cluster cluster = Cluster.get(system);
            Set<Member> unreachable = cluster.state().getUnreachable();
            Map<Address, String> upByAddress = new HashMap<>();
            for (Member m : cluster.state().getMembers()) {
                NodeRoles.Described d = NodeRoles.read(m.getRoles());
                if (d != null && m.status() == MemberStatus.up() && !unreachable.contains(m)
                        && !m.equals(cluster.selfMember())) {
                    upByAddress.put(m.address(), d.name());
                }
            }
            Map<String, ActorRef<NodeGateway.Call>> doors = new TreeMap<>();
            upByAddress.values().forEach(name -> doors.put(name, null));
            for (ActorRef<NodeGateway.Call> door : found.getServiceInstances(NodeGateway.KEY)) {
                String name = upByAddress.get(door.path().address());
                if (name != null) {
                    doors.put(name, door);
                }
            }
            return doors;
        });
    }

    /**
     * The other members as {@link #others()} has them, asked again every {@link #DOOR_POLL} while
     * the door of one that is Up is not known here yet, for at most {@code wait}: a call on one
     * object waits out the moment after a member joined rather than fail.
     */
    public CompletionStage<Map<String, ActorRef<NodeGateway.Call>>> othersKnown(Duration wait) {
        return others().thenCompose(doors -> !doors.containsValue(null) || wait.compareTo(DOOR_POLL) < 0
                ? CompletableFuture.completedFuture(doors)
                : org.apache.pekko.pattern.Patterns.after(DOOR_POLL, system.classicSystem().scheduler(),
                        system.executionContext(), () -> othersKnown(wait.minus(DOOR_POLL))));
    }

    /**
     * Runs a call on another member: its answer's messages as they come, each as protobuf bytes. A
     * failure there, or a member that does not open its answer in time, fails the source with a
     * {@link CallFailed}.
     */
    public Source<byte[], NotUsed> call(String node, ActorRef<NodeGateway.Call> door, String method, byte[] request) {
        return call(node, door, method, request, null);
    }

    /**
     * A call whose client streams (exec, attach) on another member: {@code request} is its first
     * message, {@code more} the rest, sent on as the other member asks for them.
     */
    public Source<byte[], NotUsed> call(String node, ActorRef<NodeGateway.Call> door, String method, byte[] request,
                                        Source<byte[], NotUsed> more) {
        CallSeal.Sealed sealed = seals.seal(method, request);
        CompletionStage<NodeGateway.Opened> opened = AskPattern.ask(door, replyTo -> new NodeGateway.Call(method, request,
                more != null, sealed.sentAtMillis(), sealed.mac(), replyTo), OPEN_TIMEOUT, system.scheduler());
        return Source.completionStage(opened.exceptionally(e -> {
                    throw new CallFailed(14, "NodeUnavailable", "node \"" + node + "\" did not answer within "
                            + OPEN_TIMEOUT.toSeconds() + "s");
                }))
                .flatMapConcat(o -> {
                    if (more != null && o.more() != null) {
                        Piece.cut(more).runWith(o.more().getSink(), Materializer.matFromSystem(system));
                    }
                    return o.answer().getSource().via(Piece.joined());
                });
    }

    /** A unary call on another member: its one answer, within {@code timeout}. */
    public CompletionStage<byte[]> answer(String node, ActorRef<NodeGateway.Call> door, String method, byte[] request,
                                          Duration timeout) {
        return call(node, door, method, request)
                .completionTimeout(timeout)
                .mapError(new PFBuilder<Throwable, Throwable>().match(java.util.concurrent.TimeoutException.class,
                        e -> new CallFailed(4, "DeadlineExceeded", "node \"" + node + "\" did not answer " + method
                                + " within " + timeout.toSeconds() + "s")).build())
                .runWith(Sink.head(), Materializer.matFromSystem(system));
    }

    /**
     * Whether the fleet runs {@code cell} on another node when this one is downed: it is meant to
     * run, every workload restarts {@code always}, and no {@code spec.node} or volume ties it here.
     */
    public static boolean moves(TreeObject.Cell cell) {
        return CellDirectory.stays(cell) == null;
    }

    /** A cell of a downed node that no member runs, as lists show it, with that node's name. */
    public record AwayCell(String node, TreeObject.Cell cell) {}

    /**
     * The cells no member runs: those of the nodes the cluster downed, Pending while the fleet moves
     * them (with why no node took one yet), Lost when they stay with their node; those of the nodes
     * that left on their own (stopped), Unknown; and the new cells that fit on no node yet, Pending
     * under no node ({@link #holdPending}). Sorted by path. Alone: none.
     */
    public CompletionStage<List<AwayCell>> awayCells() {
        if (!clustered) {
            return CompletableFuture.completedFuture(List.of());
        }
        // from a majority, so that a cell kept pending through one member is listed through any other at once
        CompletableFuture<Map<String, PendingCell>> pending = PendingCells.read(system, new Replicator.ReadMajority(READ_PENDING))
                .exceptionallyCompose(slow -> PendingCells.read(system, Replicator.readLocal())).toCompletableFuture();
        return AwayCells.read(system).thenCombine(pending, (away, waiting) -> {
            List<AwayCell> out = new ArrayList<>();
            away.stream().filter(AwayCells.Away::runsNowhere)   // a cell moved is listed by the node that runs it
                    .forEach(a -> out.add(new AwayCell(a.node(), a.shown())));
            waiting.values().forEach(p -> out.add(new AwayCell("", PendingCells.shown(p))));
            out.sort(Comparator.comparing((AwayCell a) -> a.cell().path().toString()).thenComparing(AwayCell::node));
            return out;
        });
    }

    /**
     * Keeps a new cell that fits on no node now, Pending, written by a majority of the members (each
     * keeps it on disk) before this returns; the fleet runs it once a node can, as placement chooses.
     *
     * @param manifest the cell's realm, space and stack, then the cell, as `kuke apply` takes them
     * @param why      why no node can run it
     */
    public CompletionStage<Void> holdPending(ObjectPath cell, String manifest, String why) {
        return PendingCells.hold(system, cell, manifest, why);
    }

    /** {@code cell}, new, as lists show it while it is pending: Pending, reason Unschedulable, and why. */
    public static TreeObject.Cell pending(TreeObject.Cell cell, String why) {
        return PendingCells.shown(cell, why, System.currentTimeMillis());
    }

    /** Forgets a pending cell (deleted, or placed after all); true when it was pending. Alone: false. */
    public CompletionStage<Boolean> forgetPending(ObjectPath cell) {
        return clustered ? PendingCells.forget(system, cell) : CompletableFuture.completedFuture(false);
    }

    /**
     * Deletes a cell no node runs: one pending, or one of a node gone (Lost, waiting to move, or
     * Unknown with a node that left), which that node deletes when it is back; true when there was
     * one. Alone: false.
     */
    public CompletionStage<Boolean> forgetAway(ObjectPath cell) {
        if (!clustered) {
            return CompletableFuture.completedFuture(false);
        }
        return PendingCells.forget(system, cell).thenCompose(pending -> AwayCells.read(system).thenCompose(away ->
                deleted(away.stream().filter(a -> a.cell().equals(cell.toString()) && a.runsNowhere())
                        .toList()).thenApply(paths -> pending || !paths.isEmpty())));
    }

    /**
     * Forgets a node gone from the cluster (downed, or left on its own) that will not come back, as
     * {@code kubectl delete node}: its cells no node runs are deleted (it deletes its copies if it
     * comes back after all); the paths. Refused for a member: only a node away can be forgotten.
     */
    public CompletionStage<List<String>> forgetNode(String name) {
        if (!clustered) {
            throw new io.kukeon.model.FailedPreconditionException("NodeAlone", "this kukeond runs alone: there is no other"
                    + " node to delete");
        }
        if (AwayCells.presentNames(system).contains(name)) {
            throw new io.kukeon.model.FailedPreconditionException("NodePresent", "node \"" + name + "\" is a member of the"
                    + " fleet: only a node gone from the cluster can be deleted (stop its kukeond first)");
        }
        return AwayCells.read(system).thenCompose(away -> {
            List<AwayCells.Away> its = away.stream().filter(a -> a.node().equals(name)
                    && a.runsNowhere()).toList();
            if (its.isEmpty()) {
                throw io.kukeon.model.NotFoundException.node("no node \"" + name + "\" left the fleet with cells that no"
                        + " node runs");
            }
            return deleted(its);
        });
    }

    /** Records each of {@code cells} deleted, by a majority; their paths. */
    private CompletionStage<List<String>> deleted(List<AwayCells.Away> cells) {
        long now = System.currentTimeMillis();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (AwayCells.Away a : cells) {
            writes.add(Failover.write(system, a.moveKey(), Move.deleted(a.node(), now)).toCompletableFuture());
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .thenApply(v -> cells.stream().map(AwayCells.Away::cell).sorted().toList());
    }

    /**
     * The nodes gone from the cluster whose cells no node runs, as {@code kuke get nodes} lists them:
     * Down (downed: their cells wait to move, or are Lost) or Left (stopped on their own: their cells
     * Unknown), since they went, with their cells shown. Alone: none.
     */
    public CompletionStage<List<NodeView>> downedNodes() {
        if (!clustered) {
            return CompletableFuture.completedFuture(List.of());
        }
        return AwayCells.read(system).thenApply(away -> {
            Map<String, NodeView> nodes = new TreeMap<>();
            for (AwayCells.Away a : away) {
                if (a.runsNowhere()) {
                    NodeView before = nodes.get(a.node());
                    int cells = before == null ? 1 : before.load().cells() + 1;
                    nodes.put(a.node(), new NodeView(a.node(), a.downed() ? "Down" : "Left", Map.of(), new NodeLoad(cells, 0, 0),
                            new NodeCapacity(0, 0), a.departedMillis(), ""));
                }
            }
            return List.copyOf(nodes.values());
        });
    }

    /** Why this member left the cluster on its own (its name taken), or null. */
    public String problem() {
        return problem.get();
    }

    /** Every node, by name. */
    public CompletionStage<List<NodeView>> nodes() {
        if (!clustered) {
            return CompletableFuture.completedFuture(List.of(new NodeView(self.name(), "Up", self.labels(),
                    ownLoad.get(), self.capacity(), self.sinceMillis(), "")));
        }
        CompletionStage<Replicator.GetResponse<LWWMap<String, NodeLoad>>> read = AskPattern.ask(
                DistributedData.get(system).replicator(),
                replyTo -> new Replicator.Get<>(NodeWatch.LOADS, Replicator.readLocal(), replyTo), READ_TIMEOUT,
                system.scheduler());
        return read.thenApply(response -> {
            Map<String, NodeLoad> loads = response instanceof Replicator.GetSuccess<LWWMap<String, NodeLoad>> found
                    ? found.get(NodeWatch.LOADS).getEntries() : Map.of();
            return views(loads);
        });
    }

    private List<NodeView> views(Map<String, NodeLoad> loads) {
        Cluster cluster = Cluster.get(system);
        Set<Member> unreachable = cluster.state().getUnreachable();
        List<NodeView> views = new ArrayList<>();
        for (Member m : cluster.state().getMembers()) {
            NodeRoles.Described d = NodeRoles.read(m.getRoles());
            if (d == null) {
                continue;
            }
            boolean isSelf = m.equals(cluster.selfMember());
            NodeLoad load = isSelf ? ownLoad.get() : loads.getOrDefault(d.name(), NodeLoad.NONE);
            views.add(new NodeView(d.name(), status(m, unreachable.contains(m)), d.labels(), load, d.capacity(),
                    d.sinceMillis(), m.address().host().getOrElse(() -> "") + ":" + m.address().port().getOrElse(() -> 0)));
        }
        views.sort(Comparator.comparing(NodeView::name));
        return views;
    }

    static String status(Member m, boolean unreachable) {
        MemberStatus s = m.status();
        if (s == MemberStatus.down() || s == MemberStatus.removed()) {
            return "Down";
        }
        if (s == MemberStatus.leaving() || s == MemberStatus.exiting()) {
            return "Leaving";
        }
        if (unreachable) {
            return "Unreachable";
        }
        return s == MemberStatus.joining() || s == MemberStatus.weaklyUp() ? "Joining" : "Up";
    }
}
