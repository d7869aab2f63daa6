package io.kukeon.fleet;

import io.kukeon.manifest.ManifestWriter;
import io.kukeon.model.CellState;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.TreeObject;
import io.kukeon.model.VolumeMount;
import io.kukeon.supervisor.ObjectIndex;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The fleet's replicated record of its cells (Pekko Distributed Data, spread by gossip): each
 * node's cells with what it takes to run them elsewhere, the nodes that were downed, and the cells
 * moved off them.
 */
final class CellDirectory {
    /**
     * The nodes the cluster removed, by name: when, and whether it had downed them (or they left on
     * their own: stopped, their containers running on); a node that is back takes its name out.
     */
    static final Key<LWWMap<String, Departure>> DEPARTURES = LWWMapKey.create("kukeon-departures");
    /** Cells moved off a downed node, by {@link #moveKey}. */
    static final Key<LWWMap<String, Move>> MOVED = LWWMapKey.create("kukeon-moved");
    /** New cells that fit on no node yet, by path. */
    static final Key<LWWMap<String, PendingCell>> PENDING = LWWMapKey.create("kukeon-pending");
    /**
     * The records each member keeps on disk as well (in its data directory): what no node's tree
     * holds, so that a fleet restarted whole still knows what moved and what waits for a node.
     */
    static final List<Key<?>> DURABLE = List.of(DEPARTURES, MOVED, PENDING);

    /** The states in which a cell is not meant to run: stopped by the operator, or done. */
    private static final Set<CellState> AT_REST = Set.of(CellState.Stopped, CellState.Exited, CellState.Error);

    private CellDirectory() {}

    /**
     * A node's cells are replicated in this many maps, by their path's hash: one map is gossiped
     * whole, and Artery's frames hold 256 KiB (a copy is 1-3 KiB).
     */
    static final int SHARDS = 16;

    /** One shard of a node's cells, by path. */
    static Key<LWWMap<String, CellCopy>> cellsOf(String node, int shard) {
        return LWWMapKey.create("kukeon-cells-" + node + "-" + shard);
    }

    static int shard(String cell) {
        return Math.floorMod(cell.hashCode(), SHARDS);
    }

    static String moveKey(String from, String cell) {
        return from + ":" + cell;
    }

    /** What the fleet needs to run {@code cell} elsewhere, its realm, space and stack from {@code index}. */
    static CellCopy copyOf(TreeObject.Cell cell, ObjectIndex index) {
        List<TreeObject> documents = new ArrayList<>();
        for (ObjectPath p = cell.path().parent(); p != null; p = p.parent()) {
            if (p.kind() == Kind.REALM || p.kind() == Kind.SPACE || p.kind() == Kind.STACK) {
                index.get(p).ifPresent(o -> documents.add(0, o));
            }
        }
        documents.add(cell);
        long created = cell.status() == null || cell.status().createdAt() == null ? 0 : cell.status().createdAt().toEpochMilli();
        return new CellCopy(ManifestWriter.yaml(documents), created, stays(cell));
    }

    /**
     * Why the cell stays on its node when that node is gone, or null: it moves when it is meant to
     * run (not stopped, exited or given up on; one that is starting moves too), {@code spec.reschedule}
     * allows it (unset: every workload restarts {@code always}), no {@code spec.node} pins it and it
     * mounts no volume (whose data is on that node).
     */
    static String stays(TreeObject.Cell cell) {
        if (cell.spec().node() != null) {
            return "spec.node pins it to node \"" + cell.spec().node() + "\"";
        }
        if (Boolean.FALSE.equals(cell.spec().reschedule())) {
            return "spec.reschedule is false";
        }
        for (ContainerSpec c : cell.spec().containers()) {
            if (c.root()) {
                continue;
            }
            if (cell.spec().reschedule() == null && c.restartPolicy() != RestartPolicy.ALWAYS) {
                return "container \"" + c.id() + "\" restarts " + c.restartPolicy().wire() + ", not always"
                        + " (spec.reschedule: true moves it)";
            }
            for (VolumeMount v : c.volumes()) {
                if (v.kind() != VolumeMount.Kind.TMPFS) {
                    return "container \"" + c.id() + "\" mounts " + v.source() + ", whose data is on its node";
                }
            }
        }
        CellState state = cell.status() == null ? null : cell.status().state();
        if (state != null && AT_REST.contains(state)) {
            return "it was " + state + ", not meant to run";
        }
        return null;
    }
}
