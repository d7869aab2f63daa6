package io.kukeon.fleet;

import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.api.Docs;
import io.kukeon.testing.CriLog;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.Specs;
import io.kukeon.testing.TestDaemon;
import com.google.protobuf.ByteString;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.ExecInput;
import io.kukeon.wire.v1.ExecOutput;
import io.kukeon.wire.v1.ExecStart;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ListResponse;
import io.kukeon.wire.v1.LogChunk;
import io.kukeon.wire.v1.LogsRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.kukeon.fleet.FleetTesting.freePort;
import static io.kukeon.fleet.FleetTesting.member;
import static io.kukeon.fleet.FleetTesting.secret;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three kukeonds (fake runtime, each its own tree and journal) in one cluster: through any of them,
 * a list covers every node's objects and names each one's node, and a call on one object (get,
 * stop, history, logs) runs on the node that holds it.
 */
class FleetRoutingTest {
    private final List<TestDaemon> daemons = new ArrayList<>();

    @AfterEach
    void stopAll() {
        daemons.forEach(TestDaemon::close);
    }

    @Test
    void everyNodeListsTheFleetAndRoutesACallToTheNodeThatHoldsItsObject(@TempDir Path dir) throws Exception {
        Path secret = secret(dir.resolve("secret"), "the fleet's shared secret, 32 chars");
        int seedPort = freePort();
        TestDaemon a = start(dir, "a", seedPort, seedPort, secret);
        int bPort = freePort();
        TestDaemon b = start(dir, "b", bPort, seedPort, secret);
        TestDaemon c = start(dir, "c", freePort(), seedPort, secret);
        for (TestDaemon d : List.of(a, b, c)) {   // each places cells by its own view of the members
            Eventually.value("three nodes Up as seen from each", Duration.ofSeconds(60),
                    () -> FleetTesting.statuses(d.client()).equals(Map.of("a", "Up", "b", "Up", "c", "Up")) ? true : null);
        }

        Docs.createStack(b.client(), "r/s/st");
        b.client().create(CreateRequest.newBuilder().setObject(FleetTesting.onNode(Docs.cell("r/s/st/web", Map.of(),
                Specs.container("app").args("sleep", "1000").build()), "b")).build());
        Docs.createStack(c.client(), "r/s/st");
        c.client().create(CreateRequest.newBuilder().setObject(FleetTesting.onNode(Docs.cell("r/s/st/db", Map.of(),
                Specs.container("app").args("sleep", "1000").build()), "c")).build());

        // a list through a holds b's and c's cells, each naming its node; a's own is empty
        // each member learns the others' gateways from the receptionist, a moment after they are Up
        KukeonGrpc.KukeonBlockingStub viaA = Eventually.value("a knows every gateway", Duration.ofSeconds(30),
                () -> cells(a.client(), 0).size() == 2 ? a.client() : null);
        Eventually.value("c knows every gateway", Duration.ofSeconds(30), () -> cells(c.client(), 0).size() == 2 ? true : null);
        assertEquals(List.of("r/s/st/db@c", "r/s/st/web@b"), cells(viaA, 0));
        assertEquals(List.of("r/s/st/db@c", "r/s/st/web@b"), cells(c.client(), 0), "the same list through c");
        // pages of one: one cell each, the token carrying on across the nodes
        ListResponse first = viaA.list(ListRequest.newBuilder().setKind("Cell").setPageSize(1).build());
        assertEquals(List.of("r/s/st/db@c"), named(first));
        ListResponse second = viaA.list(ListRequest.newBuilder().setKind("Cell").setPageSize(1)
                .setPageToken(first.getNextPageToken()).build());
        assertEquals(List.of("r/s/st/web@b"), named(second));
        assertEquals("", second.getNextPageToken());
        // a stack held by both b and c is one name: listed once, naming both
        assertEquals(List.of("r/s/st@b,c"), named(viaA.list(ListRequest.newBuilder().setKind("Stack").build())));
        // a list under a parent that a does not hold: a's "not found" gives way to the others' pages
        assertEquals(List.of("r/s/st/db@c", "r/s/st/web@b"), named(viaA.list(ListRequest.newBuilder().setKind("Cell")
                .setParent("r/s/st").build())));

        // a Get through a is answered by b, the node that holds the cell
        ObjectDoc web = viaA.get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/st/web").build()).getObject();
        assertEquals("b", web.getNode());
        assertEquals(b.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/st/web").build()).getObject()
                .getStatus().getState(), web.getStatus().getState());
        // a stop through a stops the cell on b
        ObjectDoc stopped = viaA.stop(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/st/web").build()).getObject();
        assertEquals("b", stopped.getNode());
        assertEquals("Stopped", b.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/st/web").build())
                .getObject().getStatus().getState());
        assertTrue(viaA.history(HistoryRequest.newBuilder().setKind("Cell").setPath("r/s/st/web").build()).getEventsCount() > 0,
                "b's journal answers for its cell");

        // logs through a come from b's log file, as b itself gives them
        String[] lines = new String[2000];
        java.util.Arrays.setAll(lines, i -> i + " " + "x".repeat(100));
        Path log = b.dataDir.resolve("logs/r/s/st/web/app/current.log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, CriLog.records("stdout", lines));
        LogsRequest logs = LogsRequest.newBuilder().setPath("r/s/st/web").setContainer("app").build();
        String throughA = text(viaA.logs(logs));
        assertEquals(String.join("\n", lines) + "\n", throughA);
        assertEquals(text(b.client().logs(logs)), throughA);

        // an object whose actor has not reached the index yet (right after a start) is still held here:
        // the tree answers for it, the others are not asked
        b.daemon().index().remove(io.kukeon.model.ObjectPath.parse("r/s/st/web"));
        assertEquals("b", b.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/st/web").build())
                .getObject().getNode());

        // what no node holds is NOT_FOUND
        StatusRuntimeException none = assertThrows(StatusRuntimeException.class,
                () -> viaA.get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/st/nothing").build()));
        assertEquals(Status.Code.NOT_FOUND, none.getStatus().getCode());
        // a stack held by b and c is one name: a Get through a answers with one of them, naming both
        assertEquals("b,c", viaA.get(GetRequest.newBuilder().setKind("Stack").setPath("r/s/st").build()).getObject().getNode());
        // a space held by b and c, applied through a (which holds none) with a new label: every copy takes it, a makes none;
        // a dry run changes none
        String labelled = "apiVersion: v1beta1\nkind: Space\nmetadata: {name: s, labels: {tier: web}}\nspec: {realmId: r}\n";
        ApplyResult dry = viaA.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(labelled)).setDryRun(true)
                .build()).getResults(0);
        assertEquals("updated", dry.getOutcome(), dry.toString());
        ApplyResult space = viaA.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(labelled)).build()).getResults(0);
        assertEquals("updated", space.getOutcome(), space.toString());
        assertEquals("b,c", space.getObject().getNode());
        for (TestDaemon d : List.of(b, c)) {
            assertEquals(Map.of("tier", "web"), d.daemon().index().get(io.kukeon.model.ObjectPath.parse("r/s")).orElseThrow()
                    .metadata().labels(), "the copy of the node that holds it");
            ObjectDoc seen = d.client().get(GetRequest.newBuilder().setKind("Space").setPath("r/s").build()).getObject();
            assertEquals(Map.of("tier", "web"), seen.getMetadata().getLabelsMap(), "as that node answers for it");
        }
        assertTrue(a.daemon().index().get(io.kukeon.model.ObjectPath.parse("r/s")).isEmpty(), "a made no copy of its own");
        // listed once through any node, naming both holders
        for (TestDaemon d : List.of(a, b, c)) {
            ListResponse spaces = d.client().list(ListRequest.newBuilder().setKind("Space").build());
            assertEquals(List.of("r/s@b,c"), named(spaces));
            assertEquals("web", spaces.getObjects(0).getMetadata().getLabelsMap().get("tier"));
        }
        // an error on the holder comes back as the holder said it
        StatusRuntimeException bad = assertThrows(StatusRuntimeException.class, () -> viaA.logs(LogsRequest.newBuilder()
                .setPath("r/s/st/web").setContainer("nope").build()).forEachRemaining(ch -> { }));
        assertEquals(Status.Code.NOT_FOUND, bad.getStatus().getCode());

        // an exec through a reaches b, which says its (stopped) cell runs nothing; a itself would not know the cell
        java.util.concurrent.CompletableFuture<Throwable> execEnd = new java.util.concurrent.CompletableFuture<>();
        io.grpc.stub.StreamObserver<ExecInput> execIn = KukeonGrpc.newStub(a.channel()).withInterceptors(bearer(a))
                .exec(new io.grpc.stub.StreamObserver<ExecOutput>() {
                    @Override
                    public void onNext(ExecOutput out) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        execEnd.complete(t);
                    }

                    @Override
                    public void onCompleted() {
                        execEnd.complete(null);
                    }
                });
        execIn.onNext(ExecInput.newBuilder().setStart(ExecStart.newBuilder().setPath("r/s/st/web").addCommand("true")).build());
        execIn.onCompleted();
        Throwable execFailed = execEnd.get(30, TimeUnit.SECONDS);
        assertTrue(execFailed instanceof StatusRuntimeException s && s.getStatus().getDescription().contains("of cell \"r/s/st/web\" is not running"),
                String.valueOf(execFailed));

        // a stranger who reaches b's cluster port, not knowing the fleet's secret, has its call refused
        ActorSystem<Void> stranger = ActorSystem.create(Behaviors.empty(), ClusterSettings.SYSTEM, ConfigFactory.parseMap(Map.of(
                "pekko.actor.provider", "remote", "pekko.remote.artery.canonical.hostname", "127.0.0.1",
                "pekko.remote.artery.canonical.port", 0)).withFallback(ConfigFactory.load()));
        try {
            ActorRef<NodeGateway.Call> door = ActorRefResolver.get(stranger).resolveActorRef(
                    "pekko://" + ClusterSettings.SYSTEM + "@127.0.0.1:" + bPort + "/system/kukeon-node-gateway");
            byte[] probe = GetRequest.newBuilder().setKind("Cell").setPath("r/s/st/web").build().toByteArray();
            NodeGateway.Opened opened = AskPattern.<NodeGateway.Call, NodeGateway.Opened>ask(door,
                    replyTo -> new NodeGateway.Call("Get", probe, false, System.currentTimeMillis(), new byte[32], replyTo),
                    Duration.ofSeconds(10), stranger.scheduler()).toCompletableFuture().get(20, TimeUnit.SECONDS);
            java.util.concurrent.CompletionException refused = assertThrows(java.util.concurrent.CompletionException.class,
                    () -> opened.answer().getSource().via(Piece.joined()).runWith(Sink.seq(), stranger).toCompletableFuture().join());
            CallFailed f = (CallFailed) refused.getCause();
            assertEquals(Status.Code.PERMISSION_DENIED.value(), f.code());
            assertTrue(f.getMessage().contains("does not hold this fleet's secret"), f.getMessage());
        } finally {
            stranger.terminate();
        }

        // the stack deleted through a, with what it holds, is deleted on every node that holds it
        java.util.List<String> deleted = viaA.delete(io.kukeon.wire.v1.DeleteRequest.newBuilder().setKind("Stack").setPath("r/s/st")
                .setCascade(true).setForce(true).build()).getDeletedList();
        assertTrue(deleted.containsAll(List.of("r/s/st/web", "r/s/st/db", "r/s/st")), deleted.toString());
        assertEquals(deleted.size(), new java.util.HashSet<>(deleted).size(), "each path once: " + deleted);
        for (TestDaemon d : List.of(b, c)) {
            assertTrue(d.daemon().index().get(io.kukeon.model.ObjectPath.parse("r/s/st")).isEmpty(), "gone from every node");
        }
    }

    private TestDaemon start(Path dir, String name, int port, int seedPort, Path secret) throws Exception {
        TestDaemon d = new TestDaemon(dir.resolve(name), member(name, port, seedPort, secret));
        daemons.add(d);
        return d;
    }

    private static io.grpc.ClientInterceptor bearer(TestDaemon d) throws java.io.IOException {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + d.token());
        return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private static List<String> cells(KukeonGrpc.KukeonBlockingStub api, int pageSize) {
        return named(api.list(ListRequest.newBuilder().setKind("Cell").setPageSize(pageSize).build()));
    }

    private static String text(Iterator<LogChunk> chunks) {
        StringBuilder read = new StringBuilder();
        chunks.forEachRemaining(ch -> read.append(ch.getData().toStringUtf8()));
        return read.toString();
    }

    private static List<String> named(ListResponse list) {
        return list.getObjectsList().stream().map(d -> d.getPath() + "@" + d.getNode()).toList();
    }
}
