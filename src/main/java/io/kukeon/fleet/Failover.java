package io.kukeon.fleet;

import io.kukeon.supervisor.tree.Failures;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs the cells no node runs: one for the whole fleet (a Pekko cluster singleton, on the oldest
 * member). Once a downed node has been away for {@code cluster.failover-after} (no member goes by
 * its name, not even one joining), each of its cells that may move ({@link CellDirectory#stays}) is
 * recorded as moved, by a majority of the members, and then applied through this member from its
 * replicated manifest, placed as a new cell would be; the node, when it comes back, removes its own
 * copies of the cells moved. A new cell that fit on no node when it was applied ({@link PendingCells})
 * is applied the same way, and forgotten once a node runs it. A cell that no node can take is tried
 * again every {@link #RETRY}, its reason kept with the move or the pending cell.
 */
final class Failover extends AbstractBehavior<Failover.Command> {
    static final Duration EVERY = Duration.ofSeconds(1);
    static final Duration RETRY = Duration.ofSeconds(5);
    /** How long the member waits for a majority to hold a move before it runs the cell elsewhere. */
    static final Duration WRITE = Duration.ofSeconds(5);
    /** Cells being moved at once. */
    static final int AT_ONCE = 4;

    interface Command {}

    private record Tick() implements Command {}

    private record Planned(List<AwayCells.Away> moves, Map<String, PendingCell> pending) implements Command {}

    /** @param why what made the cell need a node: its node downed, or none fitting when it was applied */
    private record Done(String key, String why, String node, Throwable failure) implements Command {}

    private final Duration failoverAfter;
    private final CellMoves moves;
    private final ActorSystem<?> system;
    private final Set<String> inFlight = new HashSet<>();
    private final Map<String, Long> retryAt = new HashMap<>();
    private boolean planning;

    private Failover(ActorContext<Command> context, Duration failoverAfter, CellMoves moves) {
        super(context);
        this.failoverAfter = failoverAfter;
        this.moves = moves;
        this.system = context.getSystem();
    }

    static Behavior<Command> create(Duration failoverAfter, CellMoves moves) {
        Behavior<Command> failover = Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(new Tick(), EVERY, EVERY);
            return new Failover(context, failoverAfter, moves);
        }));
        return Behaviors.supervise(failover).onFailure(SupervisorStrategy.restart());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Tick.class, tick -> onTick())
                .onMessage(Planned.class, this::onPlanned)
                .onMessage(Done.class, this::onDone)
                .build();
    }

    private Behavior<Command> onTick() {
        if (planning || inFlight.size() >= AT_ONCE) {
            return this;
        }
        planning = true;
        getContext().pipeToSelf(plan().thenCombine(PendingCells.read(system, Replicator.readLocal()), Planned::new),
                (planned, failed) -> failed == null ? planned : new Planned(List.of(), Map.of()));
        return this;
    }

    /** The cells to move now: those that may move of the nodes downed and away long enough, not moved yet. */
    private CompletionStage<List<AwayCells.Away>> plan() {
        long now = System.currentTimeMillis();
        return AwayCells.read(system).thenApply(away -> away.stream()
                .filter(a -> a.downed() && a.copy().moves() && now - a.departedMillis() >= failoverAfter.toMillis()
                        && a.runsNowhere())
                .toList());
    }

    private Behavior<Command> onPlanned(Planned planned) {
        planning = false;
        long now = System.currentTimeMillis();
        for (AwayCells.Away m : planned.moves()) {
            if (inFlight.size() >= AT_ONCE) {
                break;
            }
            if (inFlight.contains(m.moveKey()) || retryAt.getOrDefault(m.moveKey(), 0L) > now) {
                continue;
            }
            inFlight.add(m.moveKey());
            getContext().pipeToSelf(move(m), (node, failed) -> new Done(m.moveKey(), "its node was downed", node, failed));
        }
        planned.pending().forEach((cell, pending) -> {
            if (inFlight.size() < AT_ONCE && !inFlight.contains(cell) && retryAt.getOrDefault(cell, 0L) <= now) {
                inFlight.add(cell);
                getContext().pipeToSelf(place(cell, pending), (node, failed) -> new Done(cell,
                        "it had waited for a node since it was applied", node, failed));
            }
        });
        return this;
    }

    /**
     * Runs a pending cell through this member, placed anew, then forgets it. Deleted meanwhile (a
     * majority no longer holds it), the cell just made is deleted again; applied anew meanwhile, it is
     * kept pending for the next try to apply the newer manifest. Failing, it keeps why.
     */
    private CompletionStage<String> place(String cell, PendingCell pending) {
        return moves.applyPlaced(pending.manifest())
                .thenCompose(node -> PendingCells.read(system, new Replicator.ReadMajority(WRITE)).thenCompose(now ->
                        now.containsKey(cell) ? PendingCells.placed(system, cell, pending)
                                : moves.deletePlaced(io.kukeon.model.ObjectPath.parse(cell)))
                        .thenApply(v -> node))
                .exceptionallyCompose(failed -> PendingCells.stillPending(system, cell, pending, Failures.describe(
                                io.kukeon.supervisor.tree.Blocking.unwrap(failed)))
                        .handle((v, notWritten) -> { throw new java.util.concurrent.CompletionException(failed); }));
    }

    /**
     * Records the move (by a majority; an earlier try's record is kept), runs the cell through this
     * member, and records where it went or why it did not.
     */
    private CompletionStage<String> move(AwayCells.Away m) {
        Move decided = m.move() != null ? m.move() : new Move(m.node(), System.currentTimeMillis(), null, null);
        return write(m.moveKey(), decided).thenCompose(v -> moves.applyPlaced(m.copy().manifest()))
                .thenCompose(node -> AwayCells.get(system, CellDirectory.MOVED, new Replicator.ReadMajority(WRITE)).thenCompose(now -> {
                    Move meanwhile = now.getEntries().get(m.moveKey());
                    return meanwhile != null && meanwhile.isDeletion()   // deleted while it moved: delete it where it went
                            ? moves.deletePlaced(io.kukeon.model.ObjectPath.parse(m.cell()))
                            : write(m.moveKey(), decided.placedOn(node));
                }).thenApply(v -> node))
                .exceptionallyCompose(failed -> {
                    String why = Failures.describe(io.kukeon.supervisor.tree.Blocking.unwrap(failed));
                    return write(m.moveKey(), decided.failed(why)).thenCompose(v -> CompletableFuture.<String>failedFuture(failed));
                });
    }

    private Behavior<Command> onDone(Done done) {
        inFlight.remove(done.key());
        if (done.failure() == null) {
            retryAt.remove(done.key());
            getContext().getLog().info("cell {} runs on node {} now: {}", done.key(), done.node(), done.why());
        } else {
            boolean again = retryAt.put(done.key(), System.currentTimeMillis() + RETRY.toMillis()) != null;
            if (!again) {   // said once, not at every try
                getContext().getLog().warn("cell {} could not run on any node: {}; tried again every {}s", done.key(),
                        Failures.describe(io.kukeon.supervisor.tree.Blocking.unwrap(done.failure())), RETRY.toSeconds());
            }
        }
        return this;
    }

    private CompletionStage<Void> write(String key, Move move) {
        return write(system, key, move);
    }

    /**
     * Writes the move to a majority of the members; a majority that does not answer in time still
     * gets it by gossip. A deletion recorded meanwhile is kept: the cell is not run.
     */
    static CompletionStage<Void> write(ActorSystem<?> system, String key, Move move) {
        DistributedData data = DistributedData.get(system);
        CompletionStage<Replicator.UpdateResponse<LWWMap<String, Move>>> asked = AskPattern.ask(data.replicator(),
                replyTo -> new Replicator.Update<>(CellDirectory.MOVED, LWWMap.create(), new Replicator.WriteMajority(WRITE),
                        replyTo, moved -> {
                            Move before = moved.get(key).getOrElse(() -> null);
                            return before != null && before.isDeletion() && !move.isDeletion() ? moved
                                    : moved.put(data.selfUniqueAddress(), key, move);
                        }), WRITE.plusSeconds(1), system.scheduler());
        return asked.thenApply(response -> null);
    }
}
