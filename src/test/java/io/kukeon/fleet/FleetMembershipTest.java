package io.kukeon.fleet;

import io.kukeon.api.Docs;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.ListNodesRequest;
import io.kukeon.wire.v1.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.kukeon.fleet.FleetTesting.freePort;
import static io.kukeon.fleet.FleetTesting.secret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three kukeonds (fake runtime, each its own data dir and journal) form one Pekko Cluster on
 * 127.0.0.1: each lists the same three nodes, Up, with their labels, capacity and cells; a node
 * whose secret differs is refused and stops, and so does one whose name is taken.
 */
class FleetMembershipTest {
    private final List<TestDaemon> daemons = new ArrayList<>();

    @AfterEach
    void stopAll() {
        daemons.forEach(TestDaemon::close);
    }

    @Test
    void threeNodesFormOneFleetAndStrangersAreRefused(@TempDir Path dir) throws Exception {
        Path secret = secret(dir.resolve("secret"), "the fleet's shared secret, 32 chars");
        int seedPort = freePort();
        TestDaemon a = node(dir, "a", seedPort, seedPort, secret, Map.of("cluster.labels", "zone=east,disk=ssd", "cluster.cpu", "1.5",
                "cluster.memory", "2GiB"));
        TestDaemon b = node(dir, "b", freePort(), seedPort, secret, Map.of("cluster.labels", "zone=west"));
        TestDaemon c = node(dir, "c", freePort(), seedPort, secret, Map.of());

        for (TestDaemon d : List.of(a, b, c)) {
            Eventually.value("three nodes Up as seen from " + d.daemon().port(), Duration.ofSeconds(60),
                    () -> upNames(d).equals(List.of("a", "b", "c")) ? true : null);
        }
        Node seenFromC = byName(c, "a");
        assertEquals(Map.of("zone", "east", "disk", "ssd"), seenFromC.getLabelsMap());
        assertEquals(1500, seenFromC.getCpuCapacityMillis());
        assertEquals(2L << 30, seenFromC.getMemoryCapacityBytes());
        assertEquals("127.0.0.1:" + seedPort, seenFromC.getAddress());

        // a cell on b, with a memory limit: a sees it counted against b
        Docs.createStack(b.client(), "r/s/st");
        b.client().create(CreateRequest.newBuilder().setObject(FleetTesting.onNode(Docs.cell("r/s/st/web", Map.of(),
                io.kukeon.testing.Specs.container("app").args("sleep", "1000")
                        .resources(new io.kukeon.model.Resources(64L << 20, null, null, null, null, null, null)).build()),
                "b")).build());
        Node bFromA = Eventually.value("b's cell seen from a", Duration.ofSeconds(30), () -> {
            Node n = byName(a, "b");
            return n.getCells() == 1 ? n : null;
        });
        assertEquals(64L << 20, bFromA.getMemoryAllocatedBytes());
        assertEquals(0, byName(a, "a").getCells());

        // a stranger: another secret
        TestDaemon stranger = node(dir, "d", freePort(), seedPort, secret(dir.resolve("other"), "somebody else's secret!!"), Map.of());
        assertTrue(stopsOnItsOwn(stranger), "the stranger's kukeond stops");
        assertTrue(stranger.daemon().exitProblem().contains("cluster.secret-file"), stranger.daemon().exitProblem());
        // a second "b"
        TestDaemon twin = node(dir, "b", freePort(), seedPort, secret, Map.of(), "b2");
        assertTrue(stopsOnItsOwn(twin), "the second b's kukeond stops");
        assertTrue(twin.daemon().exitProblem().contains("\"b\" is taken"), twin.daemon().exitProblem());

        // the refused and the departed are gone from the list in a few gossip rounds; the three stay Up
        Eventually.value("a, b and c alone, Up", Duration.ofSeconds(60),
                () -> nodes(a).equals(List.of("a Up", "b Up", "c Up")) ? true : null);
        assertNull(a.daemon().exitProblem());
    }

    @Test
    void aKukeondAloneIsAFleetOfOne(@TempDir Path dir) throws Exception {
        TestDaemon alone = track(new TestDaemon(dir.resolve("alone"), Map.of("cluster.node-name", "solo",
                "cluster.labels", "role=edge")));
        List<Node> nodes = alone.client().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList();
        assertEquals(1, nodes.size());
        assertEquals("solo", nodes.get(0).getName());
        assertEquals("Up", nodes.get(0).getStatus());
        assertEquals(Map.of("role", "edge"), nodes.get(0).getLabelsMap());
        assertEquals(Runtime.getRuntime().availableProcessors() * 1000L, nodes.get(0).getCpuCapacityMillis());
        assertEquals("", nodes.get(0).getAddress());
    }

    private TestDaemon node(Path dir, String name, int port, int seedPort, Path secret, Map<String, String> extra)
            throws IOException {
        return node(dir, name, port, seedPort, secret, extra, name);
    }

    private TestDaemon node(Path dir, String name, int port, int seedPort, Path secret, Map<String, String> extra,
                            String dataDir) throws IOException {
        Map<String, String> flags = new HashMap<>(extra);
        flags.putAll(FleetTesting.member(name, port, seedPort, secret));
        return track(new TestDaemon(dir.resolve(dataDir), flags));
    }

    private TestDaemon track(TestDaemon d) {
        daemons.add(d);
        return d;
    }

    private static boolean stopsOnItsOwn(TestDaemon d) throws Exception {
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> d.daemon().awaitTermination());
        stopped.get(60, TimeUnit.SECONDS);
        return stopped.isDone();
    }

    /** The names of the nodes Up; a name listed twice (a member leaving, another joining) counts once Up. */
    private static List<String> upNames(TestDaemon d) throws IOException {
        return nodes(d).stream().filter(n -> n.endsWith(" Up")).map(n -> n.substring(0, n.length() - 3)).distinct().toList();
    }

    /** Every member as "NAME STATUS", as listed (by name). */
    private static List<String> nodes(TestDaemon d) throws IOException {
        return d.client().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList().stream()
                .map(n -> n.getName() + " " + n.getStatus()).toList();
    }

    private static Node byName(TestDaemon d, String name) throws IOException {
        return FleetTesting.byName(d.client(), name);
    }
}
