package io.kukeon.fleet;

import io.kukeon.manifest.ManifestDocument;
import io.kukeon.manifest.ManifestReader;
import io.kukeon.model.CellState;
import io.kukeon.model.CellStatus;
import io.kukeon.model.TreeObject;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The cells of the nodes gone from the cluster that no member runs now, as this member's replica of
 * the {@link CellDirectory} has them: of a node downed, those the fleet moves (or could not move yet)
 * and those that stay with it; of a node that left on its own, each as it was when it left.
 */
final class AwayCells {
    private static final Duration READ = Duration.ofSeconds(5);

    /**
     * A cell of a node gone from the cluster that no member holds.
     *
     * @param move   the move recorded so far; null before one was tried
     * @param downed whether the cluster downed its node (else the node left on its own, stopped: its
     *               containers run on, and the cell is not moved)
     */
    record Away(String node, String cell, CellCopy copy, Move move, long departedMillis, boolean downed) {
        /** No node runs it: not moved yet (or no node took it), nor deleted while its node was away. */
        boolean runsNowhere() {
            return move == null || move.to() == null;
        }

        /** The key of its move in {@link CellDirectory#MOVED}. */
        String moveKey() {
            return CellDirectory.moveKey(node, cell);
        }

        /** The cell as a list shows it: its spec, state Pending while it moves, Lost when it stays, and why. */
        TreeObject.Cell shown() {
            if (!downed) {
                return AwayCells.shown(copy.manifest(), CellState.Unknown, "NodeLeft", "node \"" + node + "\" left the fleet"
                        + " on its own (its kukeond stopped): the cell stays with it, not observed since", copy.createdMillis(),
                        departedMillis);
            }
            if (copy.moves()) {
                return AwayCells.shown(copy.manifest(), CellState.Pending, "NodeDown", move != null && move.problem() != null
                        ? "node \"" + node + "\" was downed; no other node runs it yet: " + move.problem()
                        : "node \"" + node + "\" was downed; it is moving to another node", copy.createdMillis(), departedMillis);
            }
            return AwayCells.shown(copy.manifest(), CellState.Lost, "NodeLost", "node \"" + node
                    + "\" was downed, and the cell stays with it: " + copy.stays(), copy.createdMillis(), departedMillis);
        }
    }

    /** The last document of {@code manifest}, a cell, with the status no node reports for it: {@code state} and why. */
    static TreeObject.Cell shown(String manifest, CellState state, String reason, String message, long createdMillis,
                                 long sinceMillis) {
        TreeObject.Cell cell = (TreeObject.Cell) ManifestReader.read(manifest.getBytes(StandardCharsets.UTF_8))
                .stream().map(ManifestDocument::object).reduce((first, last) -> last).orElseThrow();
        return withStatus(cell, state, reason, message, createdMillis, sinceMillis);
    }

    static TreeObject.Cell withStatus(TreeObject.Cell cell, CellState state, String reason, String message, long createdMillis,
                                      long sinceMillis) {
        return new TreeObject.Cell(cell.path(), cell.metadata(), cell.spec(), new CellStatus(state, reason, message, null,
                List.of(), false, null, Instant.ofEpochMilli(createdMillis), Instant.ofEpochMilli(sinceMillis), null,
                cell.metadata().generation()));
    }

    private AwayCells() {}

    static CompletionStage<List<Away>> read(ActorSystem<?> system) {
        Set<String> present = presentNames(system);
        return get(system, CellDirectory.DEPARTURES).thenCompose(departures -> {
            Map<String, Departure> gone = new HashMap<>();
            departures.getEntries().forEach((name, d) -> {
                if (!present.contains(name)) {
                    gone.put(name, d);
                }
            });
            if (gone.isEmpty()) {
                return CompletableFuture.completedFuture(List.<Away>of());
            }
            CompletableFuture<Map<String, Move>> moved = get(system, CellDirectory.MOVED).thenApply(LWWMap::getEntries)
                    .toCompletableFuture();
            CompletableFuture<Map<String, CellCopy>> heldByPresent = cellsOf(system, present).toCompletableFuture();
            Map<String, CompletableFuture<Map<String, CellCopy>>> ofGone = new HashMap<>();
            gone.keySet().forEach(name -> ofGone.put(name, cellsOf(system, Set.of(name)).toCompletableFuture()));
            List<CompletableFuture<?>> reads = new ArrayList<>(ofGone.values());
            reads.add(moved);
            reads.add(heldByPresent);
            return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(all -> {
                List<Away> out = new ArrayList<>();
                ofGone.forEach((name, copies) -> copies.join().forEach((cell, copy) -> {
                    if (!heldByPresent.join().containsKey(cell)) {
                        out.add(new Away(name, cell, copy, moved.join().get(CellDirectory.moveKey(name, cell)),
                                gone.get(name).atMillis(), gone.get(name).downed()));
                    }
                }));
                return out;
            });
        });
    }

    /** The names of the members that are not downed or removed: one still joining counts. */
    static Set<String> presentNames(ActorSystem<?> system) {
        Set<String> names = new HashSet<>();
        for (Member m : Cluster.get(system).state().getMembers()) {
            NodeRoles.Described d = NodeRoles.read(m.getRoles());
            if (d != null && m.status() != MemberStatus.down() && m.status() != MemberStatus.removed()) {
                names.add(d.name());
            }
        }
        return names;
    }

    /** The copies of the cells of {@code nodes}, every shard, by path. */
    static CompletionStage<Map<String, CellCopy>> cellsOf(ActorSystem<?> system, Set<String> nodes) {
        List<CompletableFuture<LWWMap<String, CellCopy>>> shards = new ArrayList<>();
        for (String node : nodes) {
            for (int shard = 0; shard < CellDirectory.SHARDS; shard++) {
                shards.add(get(system, CellDirectory.cellsOf(node, shard)).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, CellCopy> all = new HashMap<>();
            shards.forEach(s -> all.putAll(s.join().getEntries()));
            return all;
        });
    }

    /** This member's replica of {@code key}; empty when it has none. */
    static <V> CompletionStage<LWWMap<String, V>> get(ActorSystem<?> system, Key<LWWMap<String, V>> key) {
        return get(system, key, Replicator.readLocal());
    }

    /** {@code key} as read with {@code consistency}; empty when no replica asked has it. */
    static <V> CompletionStage<LWWMap<String, V>> get(ActorSystem<?> system, Key<LWWMap<String, V>> key,
                                                      Replicator.ReadConsistency consistency) {
        CompletionStage<Replicator.GetResponse<LWWMap<String, V>>> asked = AskPattern.ask(
                DistributedData.get(system).replicator(),
                replyTo -> new Replicator.Get<>(key, consistency, replyTo), READ.plus(consistency.timeout()), system.scheduler());
        return asked.thenApply(response -> {
            if (response instanceof Replicator.GetSuccess<LWWMap<String, V>> found) {
                return found.get(key);
            }
            if (response instanceof Replicator.NotFound<LWWMap<String, V>>) {
                return LWWMap.<String, V>create();
            }
            throw new io.kukeon.model.UnavailableException("FleetUnavailable", "the fleet's record " + key.id()
                    + " could not be read from enough nodes in time");
        });
    }
}
