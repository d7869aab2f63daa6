package io.kukeon.fleet;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.Resources;
import io.kukeon.model.SecretRef;
import io.kukeon.model.VolumeMount;
import io.kukeon.model.VolumeRef;
import io.kukeon.testing.Specs;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PlacementTest {
    private static final long GIB = 1L << 30;
    private static final ObjectPath CELL = ObjectPath.parse("r/s/st/web");

    private static NodeView node(String name, String status, Map<String, String> labels, long memory, NodeLoad load) {
        return new NodeView(name, status, labels, load, new NodeCapacity(4000, memory), 0, "");
    }

    private static CellSpec cell(String node, Map<String, String> selector, Long memoryLimit) {
        return new CellSpec(List.of(Specs.container("app").args("sleep", "1").build()), null, false,
                memoryLimit == null ? null : new Resources(memoryLimit, null, null, null, null, null, null), false, null, null,
                node, selector);
    }

    @Test
    void theNodeWithTheMostFreeMemoryThenTheFewestCellsThenTheFirstName() {
        List<NodeView> nodes = List.of(
                node("a", "Up", Map.of(), 4 * GIB, new NodeLoad(1, 0, 5 * GIB / 2)),
                node("b", "Up", Map.of(), 2 * GIB, new NodeLoad(3, 0, 0)),
                node("c", "Up", Map.of(), 2 * GIB, new NodeLoad(1, 0, 0)),
                node("d", "Up", Map.of(), 2 * GIB, new NodeLoad(1, 0, 0)));
        assertEquals("c", Placement.choose(CELL, cell(null, Map.of(), null), nodes, Map.of(), true));
        // what was just placed on c counts against it until its load is replicated
        assertEquals("d", Placement.choose(CELL, cell(null, Map.of(), null), nodes,
                Map.of("c", new NodeLoad(1, 0, GIB / 2)), true));
    }

    @Test
    void aNamedNodeOrOneWithTheLabelsAskedForThatIsUpAndHasRoom() {
        List<NodeView> nodes = List.of(
                node("a", "Up", Map.of("zone", "eu"), 8 * GIB, NodeLoad.NONE),
                node("b", "Unreachable", Map.of("zone", "us"), 8 * GIB, NodeLoad.NONE),
                node("c", "Up", Map.of("zone", "us", "disk", "ssd"), 2 * GIB, new NodeLoad(1, 0, GIB)));
        assertEquals("c", Placement.choose(CELL, cell("c", Map.of(), null), nodes, Map.of(), true));
        assertEquals("c", Placement.choose(CELL, cell(null, Map.of("zone", "us"), null), nodes, Map.of(), true));
        FailedPreconditionException none = assertThrows(FailedPreconditionException.class,
                () -> Placement.choose(CELL, cell(null, Map.of("zone", "us"), 2 * GIB), nodes, Map.of(), true));
        assertEquals(Placement.UNSCHEDULABLE, none.kind());
        assertEquals("no node can run cell \"r/s/st/web\": a: its labels do not match spec.nodeSelector (zone=us);"
                + " b: it is Unreachable; c: the cell's limits take 2.0 GiB of memory, 1.0 GiB is free", none.getMessage());
        assertEquals("spec.node: no node of the fleet is named \"x\" (nodes: a, b, c)", assertThrows(
                FailedPreconditionException.class, () -> Placement.choose(CELL, cell("x", Map.of(), null), nodes, Map.of(),
                        true)).getMessage());
    }

    @Test
    void aKukeondAloneRunsWhatItsNameAndLabelsAllowWhateverTheLimits() {
        List<NodeView> alone = List.of(node("host", "Up", Map.of("zone", "eu"), GIB, NodeLoad.NONE));
        assertEquals("host", Placement.choose(CELL, cell("host", Map.of("zone", "eu"), 64 * GIB), alone, Map.of(), false));
        assertThrows(FailedPreconditionException.class,
                () -> Placement.choose(CELL, cell(null, Map.of("zone", "us"), null), alone, Map.of(), false));
    }

    private static NodeView holding(String name, long memory, Set<String> volumes, Set<String> secrets) {
        return node(name, "Up", Map.of(), memory, NodeLoad.NONE.holding(new NodeHoldings(volumes, secrets)));
    }

    private static CellSpec using(VolumeRef volume, SecretRef secret) {
        var app = Specs.container("app").args("sleep", "1");
        if (volume != null) {
            app.volumes(VolumeMount.volume(volume, null, "/data", false));
        }
        if (secret != null) {
            app.secrets(new ContainerSecret("KEY", null, null, null, secret));
        }
        return new CellSpec(List.of(app.build()), null, false, null, false, null, null, null, Map.of());
    }

    @Test
    void aCellGoesOnlyToANodeThatHoldsTheVolumesAndSecretsItNamesWhereItLooksThemUp() {
        // b holds volume data in space r/s and secret key in realm r; a, with more free memory, neither
        List<NodeView> nodes = List.of(
                holding("a", 8 * GIB, Set.of("r/s/other/data", "q/s/data"), Set.of("r/s/st/web/other")),
                holding("b", 2 * GIB, Set.of("r/s/data"), Set.of("r/key")));
        VolumeRef nearestData = new VolumeRef("data", null, null, null);
        SecretRef nearestKey = new SecretRef("key", null, null, null, null);
        assertEquals("b", Placement.choose(CELL, using(nearestData, null), nodes, Map.of(), true));
        assertEquals("b", Placement.choose(CELL, using(null, nearestKey), nodes, Map.of(), true));
        assertEquals("b", Placement.choose(CELL, using(new VolumeRef("data", "r", "s", null), nearestKey), nodes, Map.of(), true));
        // a cell that names neither goes by free memory, as before
        assertEquals("a", Placement.choose(CELL, using(null, null), nodes, Map.of(), true));

        FailedPreconditionException none = assertThrows(FailedPreconditionException.class, () -> Placement.choose(CELL,
                using(new VolumeRef("data", "r", "s", "st"), null), nodes, Map.of(), true));
        assertEquals(Placement.UNSCHEDULABLE, none.kind());
        assertEquals("no node can run cell \"r/s/st/web\": a: it holds no volume \"data\" in stack r/s/st;"
                + " b: it holds no volume \"data\" in stack r/s/st", none.getMessage());
        FailedPreconditionException noSecret = assertThrows(FailedPreconditionException.class, () -> Placement.choose(CELL,
                using(nearestData, new SecretRef("other", null, null, null, null)), nodes, Map.of(), true));
        assertEquals("no node can run cell \"r/s/st/web\": a: it holds no volume \"data\" in stack r/s/st or above;"
                + " b: it holds no secret \"other\" in cell r/s/st/web or above", noSecret.getMessage());
    }

    @Test
    void aNodeThatDoesNotTellWhatItHoldsIsNotWeighedForIt() {
        // a member of the previous release replicates no holdings: placement goes by room for it, as before
        List<NodeView> nodes = List.of(node("old", "Up", Map.of(), 8 * GIB, NodeLoad.NONE),
                holding("new", 2 * GIB, Set.of(), Set.of()));
        assertEquals("old", Placement.choose(CELL, using(new VolumeRef("data", null, null, null), null), nodes, Map.of(), true));
    }
}
