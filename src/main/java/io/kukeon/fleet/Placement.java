package io.kukeon.fleet;

import io.kukeon.model.CellSpec;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.Sizes;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * Where a new cell runs: on a node that is Up, is the one its {@code spec.node} names, has the
 * labels its {@code spec.nodeSelector} asks for and, in a fleet, holds the volumes and secrets it
 * names (they are per node, not routed) and has the CPU and memory its limits take;
 * of those, the one with the most free memory (then the fewest cells, then the first name). The
 * node the cell was sent to decides once; the cell then lives in the chosen node's journal.
 */
public final class Placement {
    /** The kind of error of a cell that no node can run. */
    public static final String UNSCHEDULABLE = "Unschedulable";
    /**
     * How long a cell placed here counts against its node on top of that node's replicated load,
     * which takes a second or two to hold it: cells placed in a burst spread out.
     */
    static final Duration RESERVED_FOR = Duration.ofSeconds(5);
    /** At most this many placements are remembered; past it the oldest is forgotten first. */
    static final int MAX_RESERVATIONS = 10_000;

    private final Fleet fleet;
    private final Clock clock;
    private final Deque<Reservation> reservations = new ArrayDeque<>();

    private record Reservation(String node, NodeLoad demand, long untilMillis) {}

    public Placement(Fleet fleet, Clock clock) {
        this.fleet = fleet;
        this.clock = clock;
    }

    /**
     * The node a new cell goes to, counted against it for a moment unless {@code dryRun}; fails
     * with {@link #UNSCHEDULABLE} naming why each node cannot take it.
     */
    public CompletionStage<String> place(ObjectPath cell, CellSpec spec, boolean dryRun) {
        return fleet.nodes().thenApply(nodes -> {
            synchronized (reservations) {
                long now = clock.millis();
                while (!reservations.isEmpty() && reservations.peekFirst().untilMillis() <= now) {
                    reservations.pollFirst();
                }
                Map<String, NodeLoad> reserved = new HashMap<>();
                reservations.forEach(r -> reserved.merge(r.node(), r.demand(), NodeLoad::plus));
                String node = choose(cell, spec, nodes, reserved, fleet.clustered());
                if (!dryRun) {
                    if (reservations.size() == MAX_RESERVATIONS) {
                        reservations.pollFirst();
                    }
                    reservations.addLast(new Reservation(node, NodeLoad.demandOf(spec), now + RESERVED_FOR.toMillis()));
                }
                return node;
            }
        });
    }

    /**
     * The node for the cell among {@code nodes}, each loaded as it replicated plus what
     * {@code reserved} holds for it; room is weighed only when {@code weighRoom} (a fleet: a kukeond
     * alone runs what its cells' limits ask, as it always did). What a node holds is weighed where it
     * is known ({@link NodeLoad#holds}).
     */
    static String choose(ObjectPath cell, CellSpec spec, List<NodeView> nodes, Map<String, NodeLoad> reserved,
                         boolean weighRoom) {
        if (spec.node() != null && nodes.stream().noneMatch(n -> n.name().equals(spec.node()))) {
            throw new FailedPreconditionException(UNSCHEDULABLE, "spec.node: no node of the fleet is named \"" + spec.node()
                    + "\" (nodes: " + nodes.stream().map(NodeView::name).collect(Collectors.joining(", ")) + ")");
        }
        NodeLoad demand = NodeLoad.demandOf(spec);
        List<String> refusals = new ArrayList<>();
        List<Candidate> fits = new ArrayList<>();
        for (NodeView n : nodes) {
            if (spec.node() != null && !spec.node().equals(n.name())) {
                continue;   // not named: not worth a word
            }
            NodeLoad load = n.load().plus(reserved.getOrDefault(n.name(), NodeLoad.NONE));
            long freeMemory = n.capacity().memoryBytes() - load.memoryBytes();
            long freeCpu = n.capacity().cpuMillis() - load.cpuMillis();
            String lacking = n.load().holds() == null ? null : n.load().holds().lacking(cell, spec);
            String refusal;
            if (!n.status().equals("Up")) {
                refusal = "it is " + n.status();
            } else if (!spec.placeableOn(n.name(), n.labels())) {
                refusal = "its labels do not match spec.nodeSelector (" + labels(spec.nodeSelector()) + ")";
            } else if (lacking != null) {
                refusal = lacking;
            } else if (weighRoom && demand.memoryBytes() > freeMemory) {
                refusal = "the cell's limits take " + Sizes.of(demand.memoryBytes()) + " of memory, "
                        + Sizes.of(Math.max(0, freeMemory)) + " is free";
            } else if (weighRoom && demand.cpuMillis() > freeCpu) {
                refusal = "the cell's limits take " + cores(demand.cpuMillis()) + " CPU, " + cores(Math.max(0, freeCpu))
                        + " is free";
            } else {
                fits.add(new Candidate(n.name(), freeMemory, load.cells()));
                continue;
            }
            refusals.add(n.name() + ": " + refusal);
        }
        return fits.stream()
                .min(Comparator.comparingLong((Candidate c) -> -c.freeMemory()).thenComparingInt(Candidate::cells)
                        .thenComparing(Candidate::node))
                .map(Candidate::node)
                .orElseThrow(() -> new FailedPreconditionException(UNSCHEDULABLE, "no node can run cell \"" + cell + "\": "
                        + String.join("; ", refusals)));
    }

    private record Candidate(String node, long freeMemory, int cells) {}

    private static String labels(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static String cores(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " cores" : String.format(java.util.Locale.ROOT, "%.2f cores", millis / 1000.0);
    }
}
