package io.kukeon.fleet;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.api.Docs;
import io.kukeon.model.ObjectPath;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.Specs;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.PutVolumeRequest;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.kukeon.fleet.FleetTesting.freePort;
import static io.kukeon.fleet.FleetTesting.member;
import static io.kukeon.fleet.FleetTesting.secret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three kukeonds (fake runtime) in one cluster, a with 1 GiB of memory and zone=eu, b with 4 GiB and
 * zone=eu, c with 2 GiB and zone=us: cells applied or created through a land on the node their
 * spec names, on one with the labels asked for, or on the one with the most free memory among those
 * their limits fit; what fits nowhere is kept Pending with each node's reason, placed once a node
 * can take it, deleted as any cell, and remembered when every member restarts; a cell's node, once
 * decided, is kept; the cells of a member that stops on its own are listed Unknown under it.
 */
class FleetPlacementTest {
    private static final String SPACE = """
            apiVersion: v1beta1
            kind: Space
            metadata:
              name: s
            spec:
              realmId: r
            """;
    private final List<TestDaemon> daemons = new ArrayList<>();

    @AfterEach
    void stopAll() {
        daemons.forEach(TestDaemon::close);
    }

    @Test
    void cellsGoWhereTheirSpecAsksOrWhereMostMemoryIsFree(@TempDir Path dir) throws Exception {
        Path secret = secret(dir.resolve("secret"), "the fleet's shared secret, 32 chars");
        int seedPort = freePort();
        TestDaemon a = start(dir, "a", seedPort, seedPort, secret, "zone=eu", "1GiB");
        TestDaemon b = start(dir, "b", freePort(), seedPort, secret, "zone=eu", "4GiB");
        TestDaemon c = start(dir, "c", freePort(), seedPort, secret, "zone=us", "2GiB");
        // each member learns the others' gateways a moment after they are Up: a and c list b's and c's copies of a stack
        Docs.createStack(b.client(), "probe/s/st");
        Docs.createStack(c.client(), "probe/s/st");
        for (TestDaemon d : List.of(a, c)) {
            Eventually.value("every gateway known", Duration.ofSeconds(60), () -> d.client().list(ListRequest.newBuilder()
                    .setKind("Stack").build()).getObjectsList().stream().anyMatch(s -> s.getNode().equals("b,c")) ? true : null);
        }

        ApplyResponse applied = a.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(manifest(SPACE,
                FleetTesting.cellDocument("r/s/st", "pinned", "node: c"),
                FleetTesting.cellDocument("r/s/st", "in-us", "nodeSelector: {zone: us}"),
                FleetTesting.cellDocument("r/s/st", "anywhere"),
                FleetTesting.cellDocument("r/s/st", "on-no-node", "node: zz")))).build());
        // then, when b has the most free memory: one that takes 3 GiB in zone eu, one that fits nowhere
        // (one apply after the other: a manifest's cells are placed at once, in no set order)
        ApplyResponse big = a.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(manifest(
                FleetTesting.cellDocument("r/s/st", "big-in-eu", "nodeSelector: {zone: eu}", "resources: {memoryLimitBytes: 3221225472}"),
                FleetTesting.cellDocument("r/s/st", "too-big", "resources: {memoryLimitBytes: 8589934592}")))).build());
        Map<String, ApplyResult> results = new TreeMap<>();
        applied.getResultsList().forEach(r -> results.put(r.getName(), r));
        big.getResultsList().forEach(r -> results.put(r.getName(), r));
        assertEquals("created", results.get("pinned").getOutcome(), results.get("pinned").toString());
        assertEquals("c", results.get("pinned").getObject().getNode());
        assertEquals("c", results.get("in-us").getObject().getNode());
        assertEquals("b", results.get("anywhere").getObject().getNode(), "b has the most free memory");
        assertEquals("b", results.get("big-in-eu").getObject().getNode(), "a's 1 GiB cannot hold 3 GiB");
        assertEquals("pending", results.get("too-big").getOutcome(), results.get("too-big").toString());
        assertEquals("Pending", results.get("too-big").getObject().getStatus().getState());
        assertEquals("Unschedulable", results.get("too-big").getObject().getStatus().getReason());
        assertTrue(results.get("too-big").getObject().getStatus().getMessage().contains("no node can run cell \"r/s/st/too-big\":"
                + " a: the cell's limits take 8.0 GiB of memory"), results.get("too-big").toString());
        assertEquals("pending", results.get("on-no-node").getOutcome());
        assertEquals("spec.node: no node of the fleet is named \"zz\" (nodes: a, b, c)",
                results.get("on-no-node").getObject().getStatus().getMessage());

        // each cell is in its node's own tree, started there, and nowhere else
        assertHeldOnlyBy("r/s/st/pinned", c, a, b);
        assertHeldOnlyBy("r/s/st/in-us", c, a, b);
        assertHeldOnlyBy("r/s/st/anywhere", b, a, c);
        assertHeldOnlyBy("r/s/st/big-in-eu", b, a, c);
        assertFalse(b.runtime.containers().isEmpty(), "b runs the cells placed on it");
        // the space of the manifest is on c as a has it, made there before its cells, labelled as held for them
        assertEquals(a.daemon().index().get(ObjectPath.parse("r/s")).map(o -> io.kukeon.wire.ObjectMapping.toProto(o).getSpace())
                .orElseThrow(), c.daemon().index().get(ObjectPath.parse("r/s")).map(o ->
                io.kukeon.wire.ObjectMapping.toProto(o).getSpace()).orElseThrow());
        assertEquals(Map.of(ScopesForCells.LABEL, "true"), labels(c, "r/s"));
        assertEquals(Map.of(), labels(a, "r/s"), "a's copy is the user's");
        // a list through c names each cell's node, the pending ones none; they are in no node's tree
        assertEquals(List.of("r/s/st/anywhere@b Ready", "r/s/st/big-in-eu@b Ready", "r/s/st/in-us@c Ready",
                        "r/s/st/on-no-node@ Pending", "r/s/st/pinned@c Ready", "r/s/st/too-big@ Pending"),
                cellsAndStates(c));
        for (TestDaemon d : List.of(a, b, c)) {
            assertFalse(d.daemon().index().get(ObjectPath.parse("r/s/st/too-big")).isPresent(), "a pending cell runs nowhere");
        }
        assertEquals("Pending", b.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/st/too-big").build())
                .getObject().getStatus().getState());
        StatusRuntimeException notRunning = assertThrows(StatusRuntimeException.class, () -> b.client().start(
                LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/st/too-big").build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, notRunning.getStatus().getCode());
        assertTrue(notRunning.getStatus().getDescription().startsWith("cell \"r/s/st/too-big\" is Pending: no node can"
                + " run cell"), notRunning.getStatus().getDescription());
        // deleted through b, the one on no node is gone from the fleet
        assertEquals(List.of("r/s/st/on-no-node"), b.client().delete(DeleteRequest.newBuilder().setKind("Cell")
                .setPath("r/s/st/on-no-node").build()).getDeletedList());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(StatusRuntimeException.class, () -> a.client().get(
                GetRequest.newBuilder().setKind("Cell").setPath("r/s/st/on-no-node").build())).getStatus().getCode());

        // one that takes 2.5 GiB fits nowhere now (free: a 1, b 1, c 2 GiB); once big-in-eu is deleted it runs on b
        ApplyResult waits = a.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(
                FleetTesting.cellDocument("r/s/st", "waits", "resources: {memoryLimitBytes: 2684354560}"))).build()).getResults(0);
        assertEquals("pending", waits.getOutcome(), waits.toString());
        c.client().delete(DeleteRequest.newBuilder().setKind("Cell").setPath("r/s/st/big-in-eu").setCascade(true).setForce(true)
                .build());
        Eventually.value("the pending cell placed once b has room", Duration.ofSeconds(30), () ->
                b.daemon().index().get(ObjectPath.parse("r/s/st/waits")).isPresent() ? true : null);
        assertHeldOnlyBy("r/s/st/waits", b, a, c);
        Eventually.value("the placed cell no longer pending", Duration.ofSeconds(10), () -> {
            List<String> now = cellsAndStates(a);
            return now.contains("r/s/st/waits@b Ready") && !now.contains("r/s/st/waits@ Pending") ? true : null;
        });
        assertEquals(List.of("r/s/st/anywhere@b Ready", "r/s/st/in-us@c Ready", "r/s/st/pinned@c Ready",
                "r/s/st/too-big@ Pending", "r/s/st/waits@b Ready"), cellsAndStates(a));

        // applied again through a, unchanged, each stays where it is; asked to move, it is refused
        ApplyResponse again = a.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(manifest(
                FleetTesting.cellDocument("r/s/st", "anywhere"),
                FleetTesting.cellDocument("r/s/st", "pinned", "node: a")))).build());
        assertEquals("unchanged", again.getResults(0).getOutcome(), again.getResults(0).toString());
        assertEquals("b", again.getResults(0).getObject().getNode());
        assertEquals("Unschedulable", again.getResults(1).getErrorKind());
        assertEquals("spec.node: cell \"r/s/st/pinned\" would run on node \"c\", not \"a\"; a cell's node is decided once:"
                + " delete the cell and apply it again to move it", again.getResults(1).getError());
        assertHeldOnlyBy("r/s/st/pinned", c, a, b);

        // a create through a places the same way: now on c (2 GiB free, b 1 GiB, a 1 GiB), in a stack
        // only a had, which is made on c first
        Docs.createStack(a.client(), "r/s/st2");
        ObjectDoc created = a.client().create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/st2/made", Map.of(),
                Specs.container("app").args("sleep", "1000").build())).build()).getObject();
        assertEquals("c", created.getNode());
        assertHeldOnlyBy("r/s/st2/made", c, a, b);
        assertEquals(Map.of(ScopesForCells.LABEL, "true"), labels(c, "r/s/st2"), "the stack was made on c for its cell");
        // once that cell is deleted, c removes the stack it held only for it; a's own copy stays, and so
        // does c's space, whose other stack holds cells
        a.client().delete(DeleteRequest.newBuilder().setKind("Cell").setPath("r/s/st2/made").setCascade(true).setForce(true).build());
        Eventually.value("c's stack for r/s/st2/made removed", Duration.ofSeconds(30), () ->
                c.daemon().index().get(ObjectPath.parse("r/s/st2")).isEmpty() ? true : null);
        assertTrue(a.daemon().index().get(ObjectPath.parse("r/s/st2")).isPresent(), "a's own copy of the stack stays");
        assertTrue(c.daemon().index().get(ObjectPath.parse("r/s")).isPresent(), "c's space still holds stack st");

        // a volume made through b only: a cell with no hint that names it goes to b, though c has more
        // memory free; one naming a volume no node holds is Pending, each node's reason naming it
        b.client().putVolume(PutVolumeRequest.newBuilder().setScope("r/s").setName("data").build());
        Eventually.value("a knows b holds volume data", Duration.ofSeconds(30), () -> {
            NodeLoad bLoad = loadOf(a, "b");
            return bLoad != null && bLoad.holds() != null && bLoad.holds().volumes().contains("r/s/data") ? true : null;
        });
        ApplyResponse withVolumes = a.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(manifest(
                cellMounting("with-data", "data"), cellMounting("lacks-volume", "nowhere")))).build());
        assertEquals("b", withVolumes.getResults(0).getObject().getNode(), withVolumes.getResults(0).toString());
        assertHeldOnlyBy("r/s/st/with-data", b, a, c);
        assertEquals("pending", withVolumes.getResults(1).getOutcome(), withVolumes.getResults(1).toString());
        assertTrue(withVolumes.getResults(1).getObject().getStatus().getMessage().contains(
                "b: it holds no volume \"nowhere\" in stack r/s/st or above"), withVolumes.getResults(1).toString());
        for (String cell : List.of("with-data", "lacks-volume")) {
            a.client().delete(DeleteRequest.newBuilder().setKind("Cell").setPath("r/s/st/" + cell).setCascade(true)
                    .setForce(true).build());
        }
        // a user's apply of the space through c makes c's copy theirs: kept when c's cells leave
        ApplyResult space = c.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(SPACE)).build()).getResults(0);
        assertEquals("updated", space.getOutcome(), space.toString());
        assertEquals(Map.of(), labels(c, "r/s"));
        ObjectDoc pending = a.client().create(CreateRequest.newBuilder().setObject(FleetTesting.onNode(Docs.cell("r/s/st/on-zz",
                Map.of(), Specs.container("app").args("sleep", "1000").build()), "zz")).build()).getObject();
        assertEquals("Pending", pending.getStatus().getState());
        assertTrue(pending.getStatus().getMessage().startsWith("spec.node: no node of the fleet is named \"zz\""),
                pending.getStatus().getMessage());

        // c stops on its own (an upgrade): not downed, its cells stay with it, listed Unknown under c, c Left
        Eventually.value("c's two cells known to a", Duration.ofSeconds(30),   // in-us and pinned
                () -> FleetTesting.byName(a.client(), "c").getCells() == 2 ? true : null);
        c.stop();
        Eventually.value("c's cells Unknown through a", Duration.ofSeconds(30), () -> cellsAndStates(a).containsAll(List.of(
                "r/s/st/in-us@c Unknown", "r/s/st/pinned@c Unknown")) ? true : null);
        assertEquals("Left", FleetTesting.byName(a.client(), "c").getStatus());
        assertEquals(2, FleetTesting.byName(a.client(), "c").getCells());
        assertTrue(a.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/st/pinned").build()).getObject()
                .getStatus().getMessage().startsWith("node \"c\" left the fleet on its own"));

        // every member restarts at once: what waits for a node is still there (each kept it on disk);
        // a's copy, torn while it was down, is set aside and a reads the record back from b and c
        for (TestDaemon d : List.of(a, b)) {
            d.stop();
        }
        Path aPending = a.dataDir.resolve("fleet").resolve(CellDirectory.PENDING.id() + ".record");
        byte[] torn = java.util.Arrays.copyOf(Files.readAllBytes(aPending), 20);
        Files.write(aPending, torn);
        for (TestDaemon d : List.of(a, b, c)) {
            d.start();
        }
        FleetTesting.allUp(Map.of("a", a.client(), "b", b.client(), "c", c.client()));
        Eventually.value("the pending cells after the restart", Duration.ofSeconds(30), () ->
                cellsAndStates(c).containsAll(List.of("r/s/st/too-big@ Pending", "r/s/st/on-zz@ Pending")) ? true : null);
        Eventually.value("a's own replica of the pending cells, from b and c", Duration.ofSeconds(30), () ->
                PendingCells.read(a.daemon().system(), Replicator.readLocal()).toCompletableFuture().get(5, TimeUnit.SECONDS)
                        .keySet().containsAll(List.of("r/s/st/too-big", "r/s/st/on-zz")) ? true : null);
        Eventually.value("a's record file written anew", Duration.ofSeconds(10), () ->
                Files.exists(aPending) && !java.util.Arrays.equals(torn, Files.readAllBytes(aPending)) ? true : null);
        try (var aside = Files.list(aPending.getParent())) {
            assertEquals(1, aside.filter(f -> f.getFileName().toString().startsWith(aPending.getFileName() + ".damaged-")).count(),
                    "the torn copy is kept for the operator");
        }
    }

    /** The labels of {@code member}'s own copy of {@code path}. */
    private static Map<String, String> labels(TestDaemon member, String path) {
        return member.daemon().index().get(ObjectPath.parse(path)).orElseThrow().metadata().labels();
    }

        /** The cells under r/s/st through {@code member}, as {@code path@node state}. */
    private static List<String> cellsAndStates(TestDaemon member) throws Exception {
        return member.client().list(ListRequest.newBuilder().setKind("Cell").setParent("r/s/st").build()).getObjectsList().stream()
                .map(d -> d.getPath() + "@" + d.getNode() + " " + d.getStatus().getState()).toList();
    }

    @Test
    void aKukeondAloneRunsTheCellsItsNameAndLabelsAllowAndRefusesTheOthers(@TempDir Path dir) throws Exception {
        TestDaemon alone = new TestDaemon(dir.resolve("solo"), Map.of("cluster.node-name", "solo", "cluster.labels", "zone=eu"));
        daemons.add(alone);
        ApplyResponse applied = alone.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(manifest(
                FleetTesting.cellDocument("r/s/st", "here", "node: solo", "nodeSelector: {zone: eu}"),
                FleetTesting.cellDocument("r/s/st", "in-us", "nodeSelector: {zone: us}")))).build());
        assertEquals("created", applied.getResults(0).getOutcome(), applied.getResults(0).toString());
        assertEquals("failed", applied.getResults(1).getOutcome());
        assertEquals("spec.nodeSelector: node \"solo\", where cell \"r/s/st/in-us\" would run, lacks some of its labels"
                + " (has: {zone=eu}) (this kukeond runs alone)", applied.getResults(1).getError());
        assertFalse(alone.daemon().index().get(ObjectPath.parse("r/s/st/in-us")).isPresent(), "nothing was made");
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> alone.client().create(
                CreateRequest.newBuilder().setObject(FleetTesting.onNode(Docs.cell("r/s/st/elsewhere", Map.of(),
                        Specs.container("app").args("sleep", "1000").build()), "other")).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
        assertEquals("spec.node: cell \"r/s/st/elsewhere\" would run on node \"solo\", not \"other\" (this kukeond runs"
                + " alone)", refused.getStatus().getDescription());
    }

    private static void assertHeldOnlyBy(String cell, TestDaemon holder, TestDaemon... others) {
        ObjectPath path = ObjectPath.parse(cell);
        assertTrue(holder.daemon().index().get(path).isPresent(), cell + " is held by its node");
        for (TestDaemon other : others) {
            assertFalse(other.daemon().index().get(path).isPresent(), cell + " is held by one node only");
        }
    }

    /** A cell of r/s/st whose container mounts the volume {@code volume}, found from its stack up. */
    private static String cellMounting(String name, String volume) {
        return "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: s\n"
                + "  stackId: st\n  containers: [{id: app, image: 'docker.io/library/busybox:latest', command: sleep,"
                + " args: ['1000'], volumes: [{kind: volume, target: /data, volumeRef: {name: " + volume + "}}]}]\n";
    }

    /** {@code node}'s load as {@code member}'s replica has it, or null. */
    private static NodeLoad loadOf(TestDaemon member, String node) throws Exception {
        var system = member.daemon().system();
        Replicator.GetResponse<LWWMap<String, NodeLoad>> got = AskPattern.<Replicator.Command,
                Replicator.GetResponse<LWWMap<String, NodeLoad>>>ask(DistributedData.get(system).replicator(),
                replyTo -> new Replicator.Get<>(NodeWatch.LOADS, Replicator.readLocal(), replyTo), Duration.ofSeconds(5),
                system.scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return got instanceof Replicator.GetSuccess<LWWMap<String, NodeLoad>> found
                ? found.get(NodeWatch.LOADS).getEntries().get(node) : null;
    }

    /** Documents as one manifest. */
    private static String manifest(String... documents) {
        return String.join("---\n", documents);
    }

    private TestDaemon start(Path dir, String name, int port, int seedPort, Path secret, String labels, String memory)
            throws Exception {
        Map<String, String> settings = new HashMap<>(member(name, port, seedPort, secret));
        settings.put("cluster.labels", labels);
        settings.put("cluster.memory", memory);
        TestDaemon d = new TestDaemon(dir.resolve(name), settings);
        daemons.add(d);
        return d;
    }
}
