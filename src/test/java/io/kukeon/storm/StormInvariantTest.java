package io.kukeon.storm;

import io.kukeon.model.ObjectPath;
import io.kukeon.runtime.ObservedContainer;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.network.EgressRulePlan;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.wire.v1.CellNetworkStatus;
import io.kukeon.wire.v1.CellSpec;
import io.kukeon.wire.v1.ContainerSpec;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.Metadata;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.Status;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The storm's invariant on made-up observations: silent on a consistent world, and each clause
 * speaks up when its part of the world is wrong (so that a storm with no violations means something).
 */
class StormInvariantTest {
    static final String ROOT = "kukeon-test-x";
    static final ObjectPath CELL = ObjectPath.of("r0", "w0a", "t1", "c1");

    /** One running cell (root + app) under realm r0, as the API, containerd and cgroupfs would show it. */
    private final List<ObjectDoc> listed = new ArrayList<>(List.of(scope("Realm", "r0"), scope("Space", "r0/w0a"),
            scope("Stack", "r0/w0a/t1"), cell("Ready", "Ready"), container("root", "/bin/sh", 10, "Ready"),
            container("app", "sleep", 11, "Ready")));
    private final List<ObservedContainer> containerd = new ArrayList<>(List.of(record("root", 10), record("app", 11)));
    private final Set<String> groups = new TreeSet<>(Set.of("r0", "r0/w0a", "r0/w0a/t1", "r0/w0a/t1/c1",
            "r0/w0a/t1/c1/w0a_t1_c1_root", "r0/w0a/t1/c1/w0a_t1_c1_app"));
    private final Map<String, Observation.Process> processes = new TreeMap<>(Map.of(
            "r0/w0a_t1_c1_root", process("root", "/bin/sh"), "r0/w0a_t1_c1_app", process("app", "sleep", "3600")));
    private final Expectations model = new Expectations();
    /** Its space's network: the root's lease, the config, the bridge with the root's veth on it. */
    private final Map<String, String> leases = new TreeMap<>(Map.of("10.88.0.2", "w0a_t1_c1_root"));
    private final Set<String> configs = new TreeSet<>(Set.of("r0-w0a"));
    private final Map<String, Integer> bridges = new TreeMap<>(Map.of(SpaceNetwork.bridgeName("r0-w0a"), 1));
    private final Map<String, Integer> masquerade = new TreeMap<>(Map.of("r0-w0a/w0a_t1_c1_root", 1));
    private final Set<String> egressChains = new TreeSet<>(Set.of(EgressRulePlan.chainOf(ObjectPath.parse("r0/w0a"))));

    StormInvariantTest() {
        model.acknowledged(ObjectPath.of("r0"), Possible.SCOPE);
        model.acknowledged(CELL.parent().parent(), Possible.SCOPE);
        model.acknowledged(CELL.parent(), Possible.SCOPE);
        model.acknowledged(CELL, new Possible(true, "app=sleep 3600", Possible.Run.RUNNING));
    }

    private List<String> check() {
        Observation seen = new Observation(listed, Map.of("r0", containerd), Map.of("pids", groups), processes,
                new Observation.Network(Map.of("r0-w0a", leases), configs, bridges, masquerade, egressChains));
        return StormInvariant.check(model, seen, ROOT);
    }

    private void assertViolation(String part) {
        List<String> found = check();
        assertTrue(found.stream().anyMatch(v -> v.contains(part)), "a violation mentioning \"" + part + "\": " + found);
    }

    @Test
    void aConsistentWorldHasNoViolation() {
        assertEquals(List.of(), check());
    }

    @Test
    void anAcknowledgedCellThatIsGoneOrStoppedIsAViolation() {
        listed.set(3, cell("Stopped", "Stopped"));
        assertViolation("found {app=sleep 3600} STOPPED");
    }

    @Test
    void aCellInFlightMayHaveGoneEitherWay() {
        model.deleteInDoubt(CELL);
        assertEquals(List.of(), check());
    }

    @Test
    void aContainerdContainerWithoutItsContainerObjectIsAViolation() {
        containerd.add(record("ghost", 12));
        assertViolation("there is no Container r0/w0a/t1/c1/ghost");
    }

    @Test
    void aRunningTaskOfAStoppedCellIsAViolation() {
        listed.set(3, cell("Stopped", "Ready"));
        model.acknowledged(CELL, new Possible(true, "app=sleep 3600", Possible.Run.ANY));
        assertViolation("runs in a cell that is Stopped");
    }

    @Test
    void aTaskRunningAnotherCommandThanItsSpecIsAViolation() {
        processes.put("r0/w0a_t1_c1_app", process("app", "sleep", "3601"));
        assertViolation("but its spec says [sleep, 3600]");
    }

    @Test
    void aGroupOfNoObjectIsAViolation() {
        groups.add("r0/w0a/t2");
        assertViolation("r0/w0a/t2 belongs to no object");
    }

    @Test
    void aProcessOutsideItsLeafIsAViolation() {
        processes.put("r0/w0a_t1_c1_app", new Observation.Process(List.of("0::/elsewhere"), List.of("sleep", "3600")));
        assertViolation("is in 0::/elsewhere");
    }

    @Test
    void anObjectListedTwiceIsAViolation() {
        listed.add(scope("Stack", "r0/w0a/t1"));
        assertViolation("Stack r0/w0a/t1 is listed twice");
    }

    @Test
    void aRunningCellWithoutItsLeaseIsAViolation() {
        leases.clear();
        assertViolation("cell r0/w0a/t1/c1 runs with leases [] and shows address \"10.88.0.2\"");
    }

    @Test
    void aLeaseOfNoRunningRootIsAViolation() {
        leases.put("10.88.0.7", "w0a_t1_c9_root");
        assertViolation("lease 10.88.0.7 of r0-w0a belongs to w0a_t1_c9_root, which is no cell's root");
    }

    @Test
    void aBridgeOrConfigWithoutItsSpaceIsAViolation() {
        bridges.put(SpaceNetwork.bridgeName("r0-gone"), 0);
        configs.add("r0-gone");
        assertViolation("bridge " + SpaceNetwork.bridgeName("r0-gone") + " without its space");
        assertViolation("config of network r0-gone without its space");
    }

    @Test
    void aSpaceWithoutItsEgressChainOrAChainWithoutItsSpaceIsAViolation() {
        String own = EgressRulePlan.chainOf(ObjectPath.parse("r0/w0a"));
        String gone = EgressRulePlan.chainOf(ObjectPath.parse("r0/gone"));
        egressChains.remove(own);
        egressChains.add(gone);
        assertViolation("space r0/w0a has no egress chain " + own);
        assertViolation("egress chain " + gone + " without its space");
    }

    @Test
    void aMasqueradeRuleLeftBehindIsAViolation() {
        masquerade.put("r0-w0a/w0a_t1_c1_root", 2);
        assertViolation("cell r0/w0a/t1/c1 has 2 masquerade rules while its root runs");
    }

    @Test
    void aVethLeftOnTheBridgeIsAViolation() {
        bridges.put(SpaceNetwork.bridgeName("r0-w0a"), 2);
        assertViolation("has 2 links for 1 running cells");
    }

    static ObjectDoc scope(String kind, String path) {
        return ObjectDoc.newBuilder().setKind(kind).setPath(path)
                .setMetadata(Metadata.newBuilder().setName(path.substring(path.lastIndexOf('/') + 1)).setGeneration(1))
                .setStatus(Status.newBuilder().setState("Ready").setObservedGeneration(1)).build();
    }

    static ObjectDoc cell(String state, String containers) {
        return ObjectDoc.newBuilder().setKind("Cell").setPath(CELL.toString())
                .setMetadata(Metadata.newBuilder().setName("c1").setGeneration(1))
                .setCell(CellSpec.newBuilder().addContainers(ContainerSpec.newBuilder().setId("root").setRoot(true)
                                .setCommand("/bin/sh"))
                        .addContainers(ContainerSpec.newBuilder().setId("app").setCommand("sleep").addArgs("3600")))
                .setStatus(Status.newBuilder().setState(state).setObservedGeneration(1)
                        .setNetwork(CellNetworkStatus.newBuilder().setAddress("10.88.0.2").setPrefixLength(24))
                        .addContainers(ContainerStatus.newBuilder().setName("root").setContainerdId("w0a_t1_c1_root").setState(containers))
                        .addContainers(ContainerStatus.newBuilder().setName("app").setContainerdId("w0a_t1_c1_app").setState(containers))).build();
    }

    static ObjectDoc container(String name, String command, int pid, String state) {
        ContainerSpec.Builder spec = ContainerSpec.newBuilder().setId(name).setCommand(command);
        if (name.equals("app")) {
            spec.addArgs("3600");
        }
        return ObjectDoc.newBuilder().setKind("Container").setPath(CELL.child(name).toString())
                .setMetadata(Metadata.newBuilder().setName(name).setGeneration(1)).setContainer(spec)
                .setStatus(Status.newBuilder().setState(state).setContainer(ContainerStatus.newBuilder().setName(name)
                        .setContainerdId("w0a_t1_c1_" + name).setState(state).setPid(pid))).build();
    }

    static ObservedContainer record(String name, int pid) {
        return new ObservedContainer("w0a_t1_c1_" + name, Map.of("kukeon.io/realm", "r0", "kukeon.io/space", "w0a",
                "kukeon.io/stack", "t1", "kukeon.io/cell", "c1", "kukeon.io/container", name), TaskInfo.running(pid));
    }

    static Observation.Process process(String name, String... argv) {
        return new Observation.Process(List.of("0::/" + ROOT + "/r0/w0a/t1/c1/w0a_t1_c1_" + name), List.of(argv));
    }
}
