package io.kukeon.fleet;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.api.Docs;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.HostDeath;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.DeleteNodeRequest;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.kukeon.fleet.FleetTesting.byName;
import static io.kukeon.fleet.FleetTesting.freePort;
import static io.kukeon.fleet.FleetTesting.secret;
import static io.kukeon.fleet.FleetTesting.statuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failover on the test containerd, three kukeond processes as one cluster: node b's host "dies"
 * (its kukeond and its containers with their shims are killed with -9); once the others have downed
 * it and {@code failover-after} has passed, its cell that restarts {@code always} runs on a or c,
 * its cell that restarts {@code never} stays Lost with b, and one too big for a and c is Pending with
 * the reason; b, started again, removes its own copy of the cell that moved before it restarts
 * anything, keeps the others (started again by hand, as after a reboot), and every cell runs at
 * most once. Then c, running the moved cell, is cut off (paused past stable-after and
 * failover-after): the cell moves on; c, resumed, learns it was downed, stops the cell's containers
 * as it leaves, and gives up its copy when started again. A Lost cell deleted through another member,
 * and a node deleted (kubectl delete node) with its cells that wait, are gone from the fleet; the
 * node, back after all, deletes its copies. The three journals are in one database of the private
 * PostgreSQL, a schema each (journal.schema).
 */
@Tag("containerd")
@Tag("postgres")
class FleetFailoverTest {
    private static final String STABLE_AFTER = "3s";
    private static final String FAILOVER_AFTER = "2s";

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void aDeadNodesCellsThatMayMoveRunElsewhereAndItsOwnCopyYieldsWhenItIsBack() throws Exception {
        Path secret = secret(work.resolve("secret"), "a fleet secret of some length");
        int seed = freePort();
        try (RealHost hostA = new RealHost(); RealHost hostB = new RealHost(); RealHost hostC = new RealHost();
             DaemonProcess a = member(hostA, "a", seed, seed, secret, "1GiB");
             DaemonProcess b = member(hostB, "b", freePort(), seed, secret, "4GiB");
             DaemonProcess c = member(hostC, "c", freePort(), seed, secret, "2GiB")) {
            a.start();
            b.start();
            c.start();
            FleetTesting.allUp(Map.of("a", a.client(), "b", b.client(), "c", c.client()));
            for (DaemonProcess d : List.of(a, b, c)) {
                Docs.createStack(d.client(), "r/s/t");
                BusyboxUpload.into(d.asyncClient(), "r");
            }
            Map<String, RealHost> hosts = Map.of("a", hostA, "b", hostB, "c", hostC);

            // through a, cells without a hint go to b, the most free memory (the big one fits there only)
            for (String manifest : List.of(cell("mover", "always") + "---\n" + cell("stayer", "never"),
                    cell("big", "always", "resources: {memoryLimitBytes: 3221225472}"))) {
                ApplyResponse placed = a.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(manifest))
                        .build());
                placed.getResultsList().forEach(r -> assertEquals("created", r.getOutcome(), r.toString()));
                placed.getResultsList().forEach(r -> assertEquals("b", r.getObject().getNode(), r.getName()));
            }
            assertEquals(Set.of("b"), runningOn(hosts, "mover"));
            // what b replicates (its load, its cells) has reached a
            Eventually.value("b's cells known to a", Duration.ofSeconds(30),
                    () -> byName(a.client(), "b").getCells() == 3 ? true : null);

            // b's host dies: its kukeond, then its containers and their shims
            b.kill9();
            HostDeath.killTasksAndShims(hostB, "r");
            assertEquals(Set.of(), runningOn(hosts, "mover"));

            // downed after stable-after, away for failover-after: the cell that may move runs on a or c
            ObjectDoc moved = Eventually.value("mover Ready on another node", Duration.ofSeconds(90), () -> {
                ObjectDoc doc = get(a.client(), "r/s/t/mover");
                return doc != null && !doc.getNode().equals("b") && doc.getStatus().getState().equals("Ready") ? doc : null;
            });
            assertEquals("c", moved.getNode(), "the most free memory after b");
            assertEquals(Set.of(moved.getNode()), runningOn(hosts, "mover"));
            assertEquals(Set.of(), runningOn(hosts, "stayer"), "a cell that restarts never stays with its node");
            assertEquals(Map.of("a", "Up", "b", "Down", "c", "Up"), statuses(a.client()), "b, downed, is listed while its cells are");
            // what no node runs is shown through any member: Lost with its node, or Pending with why no node took it
            ObjectDoc stayer = get(c.client(), "r/s/t/stayer");
            assertEquals(List.of("b", "Lost", "NodeLost"), List.of(stayer.getNode(), stayer.getStatus().getState(),
                    stayer.getStatus().getReason()));
            assertTrue(stayer.getStatus().getMessage().contains("container \"app\" restarts never"), stayer.toString());
            java.util.concurrent.atomic.AtomicReference<ObjectDoc> seen = new java.util.concurrent.atomic.AtomicReference<>();
            ObjectDoc big;
            try {
                big = Eventually.value("big Pending with a reason", Duration.ofSeconds(30), () -> {
                    seen.set(get(a.client(), "r/s/t/big"));
                    return seen.get().getStatus().getMessage().contains("no node can run cell") ? seen.get() : null;
                });
            } catch (AssertionError e) {
                throw new AssertionError("big as last seen: " + seen.get(), e);
            }
            assertEquals(List.of("b", "Pending"), List.of(big.getNode(), big.getStatus().getState()));
            assertTrue(big.getStatus().getMessage().startsWith("node \"b\" was downed; no other node runs it yet:"
                    + " no node can run cell \"r/s/t/big\": a: the cell's limits take 3.0 GiB of memory"), big.getStatus().getMessage());
            assertEquals(Set.of(), runningOn(hosts, "big"));
            Map<String, String> listed = a.client().list(ListRequest.newBuilder().setKind("Cell").setParent("r/s/t").build())
                    .getObjectsList().stream().collect(Collectors.toMap(d -> d.getMetadata().getName(),
                            d -> d.getNode() + " " + d.getStatus().getState()));
            assertEquals(Map.of("mover", moved.getNode() + " Ready", "stayer", "b Lost", "big", "b Pending"), listed);
            // the Lost one is deleted through c: gone from the fleet; b deletes its copy when it is back
            assertEquals(List.of("r/s/t/stayer"), c.client().delete(DeleteRequest.newBuilder().setKind("Cell")
                    .setPath("r/s/t/stayer").build()).getDeletedList());
            assertNotFound(a, "r/s/t/stayer");

            // b comes back: it removes its copies of the cell that moved, before it would restart it, and of the one
            // deleted, and keeps the other
            b.start();
            Eventually.value("b Up again", Duration.ofSeconds(60),
                    () -> statuses(c.client()).equals(Map.of("a", "Up", "b", "Up", "c", "Up")) ? true : null);
            HostDeath.awaitNoContainerOf(hostB, "r", "mover");
            HostDeath.awaitNoContainerOf(hostB, "r", "stayer");
            // the move no node took is called off: big stays b's, and, its root gone with the host, waits to be
            // started, as after a reboot; started through a, it runs on b
            Eventually.value("big held by b again", Duration.ofSeconds(30),
                    () -> get(a.client(), "r/s/t/big").getStatus().getState().equals("Pending") ? null : true);
            a.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/big").build());
            assertEquals(Set.of("b"), runningOn(hosts, "big"));
            for (DaemonProcess through : List.of(a, b, c)) {
                Eventually.value("mover held by " + moved.getNode() + " alone", Duration.ofSeconds(30),   // b's delete ends last
                        () -> get(through.client(), "r/s/t/mover").getNode().equals(moved.getNode()) ? true : null);
                assertNotFound(through, "r/s/t/stayer");
                assertEquals("b", get(through.client(), "r/s/t/big").getNode());
            }
            assertEquals(Set.of(moved.getNode()), runningOn(hosts, "mover"), "mover runs exactly once");
            assertEquals(Set.of(), runningOn(hosts, "stayer"), "a cell that restarts never is not started again");
            assertTrue(Files.readString(b.log()).contains("cell r/s/t/mover runs on node " + moved.getNode() + " since this node"
                    + " was downed: its copy here is removed"), Files.readString(b.log()));
            assertTrue(Files.readString(b.log()).contains("cell r/s/t/stayer was deleted through another node while this node"
                    + " was away: its copy here is removed"), Files.readString(b.log()));

            // c, which runs mover now, is cut off (paused) past stable-after and failover-after: mover moves on;
            // resumed, c learns it was downed, stops mover's containers and exits; started again, it gives up its copy
            new ProcessBuilder("kill", "-STOP", Long.toString(c.pid())).start().waitFor();
            ObjectDoc movedAgain;
            try {
                movedAgain = Eventually.value("mover Ready off c", Duration.ofSeconds(90), () -> {
                    ObjectDoc doc = get(a.client(), "r/s/t/mover");
                    return !doc.getNode().equals("c") && doc.getStatus().getState().equals("Ready") ? doc : null;
                });
            } finally {
                new ProcessBuilder("kill", "-CONT", Long.toString(c.pid())).start().waitFor();
            }
            assertEquals(1, c.awaitExit(Duration.ofSeconds(60)));
            assertTrue(Files.readString(c.log()).contains("the containers of its 1 cell(s) that the fleet runs elsewhere are"
                    + " stopped here"), Files.readString(c.log()));
            assertEquals(Set.of(movedAgain.getNode()), runningOn(hosts, "mover"), "mover runs once, off the node that was cut off");
            c.start();
            Eventually.value("c Up again", Duration.ofSeconds(60),
                    () -> statuses(a.client()).equals(Map.of("a", "Up", "b", "Up", "c", "Up")) ? true : null);
            HostDeath.awaitNoContainerOf(hostC, "r", "mover");
            Eventually.value("mover, through c, on " + movedAgain.getNode(), Duration.ofSeconds(30),   // c's delete ends after its containers'
                    () -> get(c.client(), "r/s/t/mover").getNode().equals(movedAgain.getNode()) ? true : null);
            assertEquals(Set.of(movedAgain.getNode()), runningOn(hosts, "mover"), "mover runs exactly once");

            // b's host dies again, for good: big (3 GiB) fits on no other node and waits; b is deleted through a, as
            // kubectl delete node, with big; b, back after all, deletes its copy
            assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(StatusRuntimeException.class, () -> a.client().deleteNode(
                    DeleteNodeRequest.newBuilder().setName("b").build())).getStatus().getCode(), "a member is not deleted");
            b.kill9();
            HostDeath.killTasksAndShims(hostB, "r");
            Eventually.value("b Down with big", Duration.ofSeconds(60), () -> byName(a.client(), "b").getStatus().equals("Down")
                    && byName(a.client(), "b").getCells() == 1 ? true : null);
            // (Down as a member first; deletable once the cluster has removed it and a has recorded its departure)
            assertEquals(List.of("r/s/t/big"), Eventually.value("b deleted", Duration.ofSeconds(30), () -> a.client()
                    .deleteNode(DeleteNodeRequest.newBuilder().setName("b").build()).getDeletedCellsList()));
            assertNotFound(c, "r/s/t/big");
            Eventually.value("b, deleted, no longer listed", Duration.ofSeconds(30),   // once c too has seen it removed
                    () -> statuses(c.client()).equals(Map.of("a", "Up", "c", "Up")) ? true : null);
            assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> a.client().deleteNode(
                    DeleteNodeRequest.newBuilder().setName("b").build())).getStatus().getCode());
            b.start();
            HostDeath.awaitNoContainerOf(hostB, "r", "big");
            Eventually.value("b's copy of big deleted", Duration.ofSeconds(30), () -> {
                try {
                    b.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/big").build());
                    return null;
                } catch (StatusRuntimeException e) {
                    return e.getStatus().getCode() == Status.Code.NOT_FOUND ? true : null;
                }
            });
        }
    }

    private static void assertNotFound(DaemonProcess through, String cell) {
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> get(through.client(), cell))
                .getStatus().getCode(), cell + " through a member");
    }

    private static String cell(String name, String restartPolicy, String... specLines) {
        return FleetTesting.cellDocument("r/s/t", name, specLines).replace("command: sleep",
                "restartPolicy: " + restartPolicy + ", command: sleep");
    }

    private static ObjectDoc get(KukeonGrpc.KukeonBlockingStub api, String cell) {
        return api.get(GetRequest.newBuilder().setKind("Cell").setPath(cell).build()).getObject();
    }

    /** The hosts whose containerd runs a task of the cell's workload. */
    private static Set<String> runningOn(Map<String, RealHost> hosts, String cell) {
        return hosts.entrySet().stream().filter(h -> HostDeath.cellsRunning(h.getValue(), "r").contains(cell))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /** The fleet's database: each member's journal in a schema of its own. */
    private final io.kukeon.daemon.JournalSettings journals = io.kukeon.testing.PrivatePostgres.newJournal("fleet", 1);

    private DaemonProcess member(RealHost host, String name, int port, int seed, Path secret, String memory) {
        Map<String, String> settings = new HashMap<>(host.daemonSettings());
        settings.put("journal.kind", "postgres");
        settings.put("journal.url", journals.url());
        settings.put("journal.user", journals.user());
        settings.put("journal.schema", "node_" + name);
        settings.putAll(FleetTesting.member(name, port, seed, secret));
        settings.put("cluster.memory", memory);
        settings.put("cluster.stable-after", STABLE_AFTER);
        settings.put("cluster.failover-after", FAILOVER_AFTER);
        // busybox sleep ignores SIGTERM: c, downed, stops mover's containers after this grace, 2 s rather than 10
        settings.put("stop-timeout", "2s");
        return DaemonProcess.kukeond(work.resolve(name), settings);
    }
}
