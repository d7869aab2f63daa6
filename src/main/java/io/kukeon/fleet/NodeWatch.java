package io.kukeon.fleet;

import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.RestartGate;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.cluster.typed.Subscribe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * This member's part in the fleet's shared view. It replicates what its cells take and the names of
 * the volumes and secrets it holds (every {@link #EVERY}, when changed) and what it takes to run
 * them elsewhere ({@link CellDirectory}); it records the members the cluster removes, downed or
 * gone on their own; once joined, it removes its
 * copies of the cells the fleet moved to other nodes while it was away, then lets its restarts
 * through; and it leaves the cluster when another member already goes by its node name.
 */
final class NodeWatch extends AbstractBehavior<NodeWatch.Command> {
    /** Every member's load by node name, replicated to all (see {@link Fleet#nodes}). */
    static final Key<LWWMap<String, NodeLoad>> LOADS = LWWMapKey.create("kukeon-node-loads");
    static final Duration EVERY = Duration.ofSeconds(1);
    /** How long the first read of the moved cells may take from a majority before this member reads its own copy. */
    static final Duration READ_MOVES = Duration.ofSeconds(5);
    static final int READ_TRIES = 3;
    /** Every this many ticks a joined member looks again for its cells moved elsewhere. */
    static final int RECHECK_MOVES_EVERY = 10;

    interface Command {}

    private record Tick() implements Command {}

    private record Membership(ClusterEvent.MemberEvent event) implements Command {}

    /** The moved cells as read or as changed; {@code first}: the read once joined, after which restarts may go on. */
    private record MovesRead(LWWMap<String, Move> moved, boolean first) implements Command {}

    private record MovesChanged(Replicator.SubscribeResponse<LWWMap<String, Move>> changed) implements Command {}

    private record Fenced(String key) implements Command {}

    /** The paths of the copies replicated under this node's name, as this member's replica has them. */
    private record Replicated(Set<String> paths) implements Command {}

    private final String nodeName;
    private final ObjectIndex index;
    /** This node's load with what it holds, as it replicates it. */
    private final Supplier<NodeLoad> load;
    private final AtomicReference<String> problem;
    private final CellMoves moves;
    private final RestartGate restarts;
    private final Cluster cluster;
    private final DistributedData data;
    private final SelfUniqueAddress self;
    private final org.apache.pekko.actor.typed.ActorRef<Object> ignore;
    private NodeLoad published = null;
    /** The cells this member last replicated, by path: what their copies were made from. */
    private final Map<String, Published> cells = new HashMap<>();
    /** The moves of this node's cells whose copy here is being removed. */
    private final Set<String> fencing = new HashSet<>();
    private boolean joined;
    private long ticks;

    private record Published(Object spec, Object metadata, String stays, int shard) {}

    private NodeWatch(ActorContext<Command> context, String nodeName, ObjectIndex index, Supplier<NodeLoad> load,
                      AtomicReference<String> problem, CellMoves moves, RestartGate restarts) {
        super(context);
        this.nodeName = nodeName;
        this.index = index;
        this.load = load;
        this.problem = problem;
        this.moves = moves;
        this.restarts = restarts;
        this.cluster = Cluster.get(context.getSystem());
        this.data = DistributedData.get(context.getSystem());
        this.self = data.selfUniqueAddress();
        this.ignore = context.getSystem().ignoreRef();
    }

    /** @param problem set when this node leaves because its name is taken: the reason kukeond exits with */
    static Behavior<Command> create(String nodeName, ObjectIndex index, Supplier<NodeLoad> load,
                                    AtomicReference<String> problem, CellMoves moves, RestartGate restarts) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            Cluster cluster = Cluster.get(context.getSystem());
            cluster.subscriptions().tell(Subscribe.create(
                    context.messageAdapter(ClusterEvent.MemberEvent.class, Membership::new), ClusterEvent.MemberEvent.class));
            DistributedData.get(context.getSystem()).replicator().tell(new Replicator.Subscribe<>(CellDirectory.MOVED,
                    changes(context.messageAdapter(Replicator.SubscribeResponse.class, r -> new MovesChanged(cast(r))))));
            timers.startTimerWithFixedDelay(new Tick(), Duration.ZERO, EVERY);
            return new NodeWatch(context, nodeName, index, load, problem, moves, restarts);
        }));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static org.apache.pekko.actor.typed.ActorRef<Replicator.SubscribeResponse<LWWMap<String, Move>>> changes(
            org.apache.pekko.actor.typed.ActorRef adapter) {
        return adapter;
    }

    @SuppressWarnings("unchecked")
    private static Replicator.SubscribeResponse<LWWMap<String, Move>> cast(Replicator.SubscribeResponse<?> r) {
        return (Replicator.SubscribeResponse<LWWMap<String, Move>>) r;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Tick.class, tick -> onTick())
                .onMessage(Membership.class, m -> onMembership(m.event()))
                .onMessage(MovesRead.class, this::onMovesRead)
                .onMessage(MovesChanged.class, changed -> {
                    if (joined && changed.changed() instanceof Replicator.Changed<LWWMap<String, Move>> c) {
                        fence(c.get(CellDirectory.MOVED));
                    }
                    return this;
                })
                .onMessage(Replicated.class, this::forgetStale)
                .onMessage(Fenced.class, fenced -> {
                    fencing.remove(fenced.key());
                    return this;
                })
                .build();
    }

    private Behavior<Command> onTick() {
        NodeLoad now = load.get();
        if (!now.equals(published)) {
            update(LOADS, loads -> loads.put(self, nodeName, now));
            published = now;
        }
        publishCells();
        if (joined && ++ticks % RECHECK_MOVES_EVERY == 0) {   // a removal that failed is tried again
            getContext().pipeToSelf(read(Replicator.readLocal()),
                    (moved, failed) -> new MovesRead(failed == null ? moved : LWWMap.create(), false));
            getContext().pipeToSelf(AwayCells.cellsOf(getContext().getSystem(), Set.of(nodeName)),
                    (copies, failed) -> new Replicated(failed == null ? copies.keySet() : Set.of()));
        }
        return this;
    }

    /**
     * Forgets the copies replicated under this node's name of cells it no longer holds: a cell
     * deleted just before this kukeond stopped, whose removal it had not replicated yet, would
     * otherwise run elsewhere if this node were downed.
     */
    private Behavior<Command> forgetStale(Replicated replicated) {
        Map<Integer, Set<String>> stale = new HashMap<>();
        for (String path : replicated.paths()) {
            if (!cells.containsKey(path)) {
                stale.computeIfAbsent(CellDirectory.shard(path), s -> new HashSet<>()).add(path);
            }
        }
        stale.forEach((shard, paths) -> updateShard(shard, Map.of(), paths));
        return this;
    }

    /** Puts {@code copies} into one shard of this node's replicated cells and removes {@code gone} from it. */
    private void updateShard(int shard, Map<String, CellCopy> copies, Set<String> gone) {
        update(CellDirectory.cellsOf(nodeName, shard), map -> {
            LWWMap<String, CellCopy> out = map;
            for (Map.Entry<String, CellCopy> c : copies.entrySet()) {
                out = out.put(self, c.getKey(), c.getValue());
            }
            for (String path : gone) {
                out = out.remove(self, path);
            }
            return out;
        });
    }

    /** Replicates the copies of the cells that changed since the last tick, and forgets those deleted. */
    private void publishCells() {
        Map<Integer, Map<String, CellCopy>> put = new HashMap<>();
        Map<Integer, Set<String>> removed = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (TreeObject o : index.list(Kind.CELL, null, labels -> true)) {
            TreeObject.Cell cell = (TreeObject.Cell) o;
            String path = cell.path().toString();
            seen.add(path);
            Published now = new Published(cell.spec(), cell.metadata(), CellDirectory.stays(cell), CellDirectory.shard(path));
            if (!now.equals(cells.get(path))) {
                cells.put(path, now);
                put.computeIfAbsent(now.shard(), s -> new HashMap<>()).put(path, CellDirectory.copyOf(cell, index));
            }
        }
        for (var it = cells.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!seen.contains(e.getKey())) {
                removed.computeIfAbsent(e.getValue().shard(), s -> new HashSet<>()).add(e.getKey());
                it.remove();
            }
        }
        Set<Integer> shards = new HashSet<>(put.keySet());
        shards.addAll(removed.keySet());
        for (int shard : shards) {
            updateShard(shard, put.getOrDefault(shard, Map.of()), removed.getOrDefault(shard, Set.of()));
        }
    }

    private Behavior<Command> onMembership(ClusterEvent.MemberEvent event) {
        Member member = event.member();
        NodeRoles.Described described = NodeRoles.read(member.getRoles());
        if (described == null) {
            return this;
        }
        boolean isSelf = member.equals(cluster.selfMember());
        if (event instanceof ClusterEvent.MemberUp && isSelf && !joined) {
            joined = true;
            update(CellDirectory.DEPARTURES, departed -> departed.remove(self, nodeName));
            readMovesOnJoin();
        } else if (event instanceof ClusterEvent.MemberUp && !isSelf) {
            refuseTakenName(member, described);
        } else if (event instanceof ClusterEvent.MemberRemoved removed && !isSelf && !described.name().equals(nodeName)) {
            boolean downed = removed.previousStatus() == MemberStatus.down();
            Departure departure = new Departure(System.currentTimeMillis(), downed);
            update(CellDirectory.DEPARTURES, departed -> departed.put(self, described.name(), departure));
        }
        return this;
    }

    private void refuseTakenName(Member other, NodeRoles.Described described) {
        Member me = cluster.selfMember();
        if (described.name().equals(nodeName) && other.isOlderThan(me)) {
            problem.set("the node name \"" + nodeName + "\" is taken by the member at "
                    + other.address().host().getOrElse(() -> "?") + ":" + other.address().port().getOrElse(() -> 0)
                    + "; start with another --node-name");
            getContext().getLog().error("kukeond leaves the cluster: {}", problem.get());
            cluster.manager().tell(Leave.create(me.address()));
        }
    }

    /**
     * Reads the moved cells from a majority, trying {@link #READ_TRIES} times; when none answers in
     * time, as this member has them (the moves gossiped to it later are still carried out, see
     * {@link MovesChanged}).
     */
    private void readMovesOnJoin() {
        CompletionStage<LWWMap<String, Move>> read = read(new Replicator.ReadMajority(READ_MOVES));
        for (int i = 1; i < READ_TRIES; i++) {
            read = read.exceptionallyCompose(slow -> read(new Replicator.ReadMajority(READ_MOVES)));
        }
        getContext().pipeToSelf(read.exceptionallyCompose(slow -> read(Replicator.readLocal())),
                (moved, failed) -> new MovesRead(failed == null ? moved : LWWMap.create(), true));
    }

    private CompletionStage<LWWMap<String, Move>> read(Replicator.ReadConsistency consistency) {
        CompletionStage<Replicator.GetResponse<LWWMap<String, Move>>> asked = AskPattern.ask(data.replicator(),
                replyTo -> new Replicator.Get<>(CellDirectory.MOVED, consistency, replyTo),
                READ_MOVES.plusSeconds(1), getContext().getSystem().scheduler());
        return asked.thenApply(response -> {
            if (response instanceof Replicator.GetSuccess<LWWMap<String, Move>> found) {
                return found.get(CellDirectory.MOVED);
            }
            if (response instanceof Replicator.NotFound<LWWMap<String, Move>>) {
                return LWWMap.<String, Move>create();
            }
            throw new IllegalStateException("the moved cells could not be read: " + response);
        });
    }

    private Behavior<Command> onMovesRead(MovesRead read) {
        CompletionStage<Void> done = fence(read.moved());
        if (read.first()) {
            org.slf4j.Logger log = getContext().getLog();
            done.whenComplete((v, e) -> {
                if (e != null) {
                    log.warn("the cells moved off this node could not all be removed here: {}",
                            e.toString());
                }
                restarts.letThrough();
            });
        }
        return this;
    }

    /**
     * Removes this node's copy of each of its cells that the fleet runs on another node now, or that
     * was deleted through another node while this one was away (a copy made before the move), and its
     * record of the move; a move that no node took yet is called off, the cell staying here.
     */
    private CompletionStage<Void> fence(LWWMap<String, Move> moved) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        org.apache.pekko.actor.typed.ActorRef<Command> me = getContext().getSelf();
        org.slf4j.Logger log = getContext().getLog();
        String mine = nodeName + ":";
        for (Map.Entry<String, Move> e : moved.getEntries().entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(mine) || !fencing.add(key)) {
                continue;
            }
            Move move = e.getValue();
            ObjectPath cell = ObjectPath.parse(key.substring(mine.length()));
            CompletionStage<Boolean> removal = move.to() == null ? CompletableFuture.completedFuture(false)
                    : moves.removeHere(cell, move.atMillis());
            CompletableFuture<Void> one = removal.thenAccept(removed -> {
                if (removed && move.isDeletion()) {
                    log.info("cell {} was deleted through another node while this node was away: its copy here is removed", cell);
                } else if (removed) {
                    log.info("cell {} runs on node {} since this node was downed: its copy here is removed", cell, move.to());
                }
                update(CellDirectory.MOVED, m -> m.remove(self, key));
            }).toCompletableFuture();
            one.whenComplete((v, failed) -> me.tell(new Fenced(key)));
            all.add(one);
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private <T extends org.apache.pekko.cluster.ddata.ReplicatedData> void update(Key<T> key,
                                                                                  Function<T, T> modify) {
        data.replicator().tell(new Replicator.Update<>(key, initial(key), Replicator.writeLocal(), ignore.narrow(), modify));
    }

    @SuppressWarnings("unchecked")
    private static <T extends org.apache.pekko.cluster.ddata.ReplicatedData> T initial(Key<T> key) {
        return (T) LWWMap.create();
    }
}
