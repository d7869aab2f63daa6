package io.kukeon.storm;

import io.kukeon.model.ObjectPath;
import io.kukeon.network.EgressRulePlan;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.runtime.ObservedContainer;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.kukeon.storm.StormInvariantTest.CELL;
import static io.kukeon.storm.StormInvariantTest.ROOT;
import static io.kukeon.storm.StormInvariantTest.cell;
import static io.kukeon.storm.StormInvariantTest.container;
import static io.kukeon.storm.StormInvariantTest.process;
import static io.kukeon.storm.StormInvariantTest.record;
import static io.kukeon.storm.StormInvariantTest.scope;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fleet's invariant on made-up looks at two nodes: silent when a's running cell is on a alone
 * (both nodes holding the realm), and speaking up when a cell is on two nodes, a container is in two
 * hosts' containerd, an acknowledged cell is on none, or one node's objects and host disagree.
 */
class FleetInvariantTest {
    private static final String ROOT_B = "kukeon-test-y";

    private final List<ObjectDoc> onA = new ArrayList<>(onNode("a", scope("Realm", "r0"), scope("Space", "r0/w0a"),
            scope("Stack", "r0/w0a/t1"), cell("Ready", "Ready"), container("root", "/bin/sh", 10, "Ready"),
            container("app", "sleep", 11, "Ready")));
    private final List<ObjectDoc> onB = new ArrayList<>(onNode("b", scope("Realm", "r0")));
    private final List<ObservedContainer> containerdOfB = new ArrayList<>();
    private final Set<String> groupsOfB = new TreeSet<>(Set.of("r0"));
    private final Expectations model = new Expectations();

    FleetInvariantTest() {
        model.acknowledged(ObjectPath.of("r0"), Possible.SCOPE);
        model.acknowledged(CELL.parent().parent(), Possible.SCOPE);
        model.acknowledged(CELL.parent(), Possible.SCOPE);
        model.acknowledged(CELL, new Possible(true, "app=sleep 3600", Possible.Run.RUNNING));
    }

    private List<String> check() {
        Observation a = new Observation(onA, Map.of("r0", List.of(record("root", 10), record("app", 11))),
                Map.of("pids", Set.of("r0", "r0/w0a", "r0/w0a/t1", "r0/w0a/t1/c1", "r0/w0a/t1/c1/w0a_t1_c1_root",
                        "r0/w0a/t1/c1/w0a_t1_c1_app")),
                Map.of("r0/w0a_t1_c1_root", process("root", "/bin/sh"), "r0/w0a_t1_c1_app", process("app", "sleep", "3600")),
                new Observation.Network(Map.of("r0-w0a", Map.of("10.88.0.2", "w0a_t1_c1_root")), Set.of("r0-w0a"),
                        Map.of(SpaceNetwork.bridgeName("r0-w0a"), 1), Map.of("r0-w0a/w0a_t1_c1_root", 1),
                        Set.of(EgressRulePlan.chainOf(ObjectPath.parse("r0/w0a")))));
        Observation b = new Observation(onB, Map.of("r0", containerdOfB), Map.of("pids", groupsOfB), Map.of(),
                Observation.Network.NONE);
        return FleetInvariant.check(model, new FleetObservation(List.of(), List.of(), listed(), Map.of("a", a, "b", b)),
                Map.of("a", ROOT, "b", ROOT_B));
    }

    /** Both nodes' objects as a list shows them: a realm, space or stack held by several once, naming each. */
    private List<ObjectDoc> listed() {
        Map<String, ObjectDoc> scopes = new java.util.LinkedHashMap<>();
        List<ObjectDoc> out = new ArrayList<>();
        for (ObjectDoc d : java.util.stream.Stream.concat(onA.stream(), onB.stream()).toList()) {
            if (d.getKind().equals("Cell") || d.getKind().equals("Container")) {
                out.add(d);
            } else {
                scopes.merge(d.getKind() + " " + d.getPath(), d, (first, next) ->
                        first.toBuilder().setNode(first.getNode() + "," + next.getNode()).build());
            }
        }
        out.addAll(scopes.values());
        return out;
    }

    private void assertViolation(String part) {
        List<String> found = check();
        assertTrue(found.stream().anyMatch(v -> v.contains(part)), "a violation mentioning \"" + part + "\": " + found);
    }

    private static List<ObjectDoc> onNode(String node, ObjectDoc... docs) {
        return List.of(docs).stream().map(d -> d.toBuilder().setNode(node).build()).toList();
    }

    @Test
    void aCellOnOneNodeAndARealmOnEveryNodeHaveNoViolation() {
        assertEquals(List.of(), check());
    }

    @Test
    void aCellOnTwoNodesIsAViolation() {
        onB.addAll(onNode("b", scope("Space", "r0/w0a"), scope("Stack", "r0/w0a/t1"), cell("Ready", "Ready")));
        assertViolation("Cell r0/w0a/t1/c1 exists on 2 nodes: a, b");
    }

    @Test
    void aContainerInTwoHostsContainerdIsAViolation() {
        containerdOfB.add(record("app", 21));
        assertViolation("containerd holds r0/w0a_t1_c1_app on the hosts of a, b; its task runs on a, b");
        assertViolation("node b: containerd holds r0/w0a_t1_c1_app, but there is no Container r0/w0a/t1/c1/app");
    }

    @Test
    void anAcknowledgedCellOnNoNodeIsAViolation() {
        onA.removeIf(d -> d.getPath().startsWith(CELL.toString()));
        assertViolation("Cell r0/w0a/t1/c1: acknowledged [{app=sleep 3600} RUNNING], found absent");
    }

    @Test
    void anObjectOnANodeThatIsNoMemberIsAViolation() {
        onB.add(scope("Space", "r0/w1a").toBuilder().setNode("z").build());
        model.acknowledged(ObjectPath.of("r0", "w1a"), Possible.SCOPE);
        assertViolation("Space r0/w1a is listed on \"z\", which is no member");
    }

    @Test
    void aScopeRowNamingANodeThatIsNoMemberIsAViolation() {
        onA.add(scope("Space", "r0/w1a").toBuilder().setNode("a").build());
        onB.add(scope("Space", "r0/w1a").toBuilder().setNode("z").build());   // listed once, as "a,z"
        model.acknowledged(ObjectPath.of("r0", "w1a"), Possible.SCOPE);
        assertViolation("Space r0/w1a is listed on \"z\", which is no member");
    }

    @Test
    void aNodesHostThatDisagreesWithItsObjectsIsAViolation() {
        groupsOfB.add("r0/w0a");
        assertViolation("node b: group /sys/fs/cgroup/pids/" + ROOT_B + "/r0/w0a belongs to no object");
    }
}
