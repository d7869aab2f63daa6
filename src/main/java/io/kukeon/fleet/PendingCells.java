package io.kukeon.fleet;

import io.kukeon.model.CellState;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The fleet's new cells that fit on no node yet ({@link CellDirectory#PENDING}): written by a
 * majority of the members before the apply that made one answers, kept on disk by each of them, and
 * run by {@link Failover} once a node can take them.
 */
final class PendingCells {
    /** How long a write waits for a majority of the members; past it the call fails and the cell is not acknowledged. */
    static final Duration WRITE = Duration.ofSeconds(5);

    private PendingCells() {}

    /** Keeps {@code cell} Pending with its manifest and why no node takes it; one kept already keeps its creation time. */
    static CompletionStage<Void> hold(ActorSystem<?> system, ObjectPath cell, String manifest, String why) {
        long now = System.currentTimeMillis();
        return update(system, pending -> {
            PendingCell before = pending.get(cell.toString()).getOrElse(() -> null);
            return pending.put(self(system), cell.toString(), new PendingCell(manifest, before == null ? now : before.createdMillis(), why));
        });
    }

    /** Records a new reason for a cell still pending as {@code kept} (one deleted or applied anew meanwhile is left). */
    static CompletionStage<Void> stillPending(ActorSystem<?> system, String cell, PendingCell kept, String why) {
        return update(system, pending -> kept.equals(pending.get(cell).getOrElse(() -> null))
                ? pending.put(self(system), cell, kept.because(why)) : pending);
    }

    /** Forgets {@code cell} when it is still pending as {@code kept}: a node runs it now. */
    static CompletionStage<Void> placed(ActorSystem<?> system, String cell, PendingCell kept) {
        return update(system, pending -> kept.equals(pending.get(cell).getOrElse(() -> null))
                ? pending.remove(self(system), cell) : pending);
    }

    /** Forgets {@code cell} (deleted, or made on a node after all); true when this member's replica held it. */
    static CompletionStage<Boolean> forget(ActorSystem<?> system, ObjectPath cell) {
        return read(system, Replicator.readLocal()).thenCompose(pending -> !pending.containsKey(cell.toString())
                ? CompletableFuture.completedFuture(false)
                : update(system, p -> p.remove(self(system), cell.toString())).thenApply(v -> true));
    }

    static CompletionStage<Map<String, PendingCell>> read(ActorSystem<?> system, Replicator.ReadConsistency consistency) {
        return AwayCells.get(system, CellDirectory.PENDING, consistency).thenApply(LWWMap::getEntries);
    }

    /** The cell as lists show it: Pending, reason Unschedulable, with why no node runs it. */
    static TreeObject.Cell shown(PendingCell pending) {
        return AwayCells.shown(pending.manifest(), CellState.Pending, Placement.UNSCHEDULABLE, pending.problem(),
                pending.createdMillis(), pending.createdMillis());
    }

    /** {@code cell}, new, as lists show it once it is pending since {@code createdMillis}. */
    static TreeObject.Cell shown(TreeObject.Cell cell, String why, long createdMillis) {
        return AwayCells.withStatus(cell, CellState.Pending, Placement.UNSCHEDULABLE, why, createdMillis, createdMillis);
    }

    private static CompletionStage<Void> update(ActorSystem<?> system,
                                                Function<LWWMap<String, PendingCell>, LWWMap<String, PendingCell>> change) {
        CompletionStage<Replicator.UpdateResponse<LWWMap<String, PendingCell>>> asked = AskPattern.ask(
                DistributedData.get(system).replicator(),
                replyTo -> new Replicator.Update<>(CellDirectory.PENDING, LWWMap.create(), new Replicator.WriteMajority(WRITE),
                        replyTo, change), WRITE.plusSeconds(1), system.scheduler());
        return asked.thenApply(response -> {
            if (!(response instanceof Replicator.UpdateSuccess<?>)) {
                throw new io.kukeon.model.UnavailableException("FleetUnavailable", "a majority of the fleet's nodes did not"
                        + " confirm the pending cell within " + WRITE.toSeconds() + "s; try again");
            }
            return null;
        });
    }

    private static SelfUniqueAddress self(ActorSystem<?> system) {
        return DistributedData.get(system).selfUniqueAddress();
    }
}
