package io.kukeon.fleet;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.Kind;
import io.kukeon.model.Resources;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.SecretIndex;
import io.kukeon.supervisor.VolumeIndex;

/**
 * What a node's cells take: how many, and the CPU (thousandths of a core) and memory their limits
 * reserve; a cell without limits of its own counts its containers'. Replicated to every member,
 * with the volumes and secrets the node holds.
 *
 * @param holds what the node holds; null when not known: a cell's demand, a kukeond alone, or a
 *              member of a release before it was replicated (whose decoder skips it, as Pekko's
 *              Jackson ignores unknown properties), which placement does not weigh for it
 */
public record NodeLoad(int cells, long cpuMillis, long memoryBytes, NodeHoldings holds) implements FleetMessage {

    public static final NodeLoad NONE = new NodeLoad(0, 0, 0);

    public NodeLoad(int cells, long cpuMillis, long memoryBytes) {
        this(cells, cpuMillis, memoryBytes, null);
    }

    public static NodeLoad of(ObjectIndex index) {
        NodeLoad load = NONE;
        for (TreeObject o : index.list(Kind.CELL, null, labels -> true)) {
            load = load.plus(demandOf(((TreeObject.Cell) o).spec()));
        }
        return load;
    }

    /** A member's load as it replicates it: its cells' and what it holds. */
    public static NodeLoad of(ObjectIndex index, VolumeIndex volumes, SecretIndex secrets) {
        return of(index).holding(NodeHoldings.of(volumes, secrets));
    }

    public NodeLoad holding(NodeHoldings held) {
        return new NodeLoad(cells, cpuMillis, memoryBytes, held);
    }

    /** What one cell takes: itself as one cell, with its limits, or its containers' where it has none. */
    public static NodeLoad demandOf(CellSpec spec) {
        long cellCpu = cpuMillis(spec.resources());
        long cellMemory = memoryBytes(spec.resources());
        if (cellCpu == 0 || cellMemory == 0) {
            long containersCpu = 0;
            long containersMemory = 0;
            for (ContainerSpec c : spec.containers()) {
                containersCpu += cpuMillis(c.resources());
                containersMemory += memoryBytes(c.resources());
            }
            cellCpu = cellCpu == 0 ? containersCpu : cellCpu;
            cellMemory = cellMemory == 0 ? containersMemory : cellMemory;
        }
        return new NodeLoad(1, cellCpu, cellMemory);
    }

    /** This node's load with {@code more} on it (a demand): what it holds stays this node's. */
    public NodeLoad plus(NodeLoad more) {
        return new NodeLoad(cells + more.cells, cpuMillis + more.cpuMillis, memoryBytes + more.memoryBytes, holds);
    }

    /** The CPU a quota allows, in thousandths of a core; 0 without one. */
    static long cpuMillis(Resources r) {
        if (r == null || r.cpu() == null || r.cpu().quotaMicros() == null) {
            return 0;
        }
        long period = r.cpu().periodMicros() == null ? 100_000 : r.cpu().periodMicros();
        return r.cpu().quotaMicros() * 1000 / period;
    }

    /** The memory limit in bytes; 0 without one. */
    static long memoryBytes(Resources r) {
        if (r == null) {
            return 0;
        }
        if (r.memory() != null && r.memory().max() != null) {
            return r.memory().max();
        }
        return r.memoryLimitBytes() == null ? 0 : r.memoryLimitBytes();
    }
}
