package io.kukeon.api;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionGrpc;
import io.grpc.reflection.v1alpha.ServerReflectionRequest;
import io.grpc.reflection.v1alpha.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.ImageChunk;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListImagesRequest;
import io.kukeon.wire.v1.LoadImageResponse;
import io.kukeon.wire.v1.LogChunk;
import io.kukeon.wire.v1.LogsRequest;
import io.kukeon.wire.v1.StatusRequest;
import io.kukeon.wire.v1.StatusResponse;
import io.kukeon.wire.v1.VersionRequest;
import io.kukeon.wire.v1.WatchRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every RPC of the API, its answers and its error codes, through a real gRPC client. */
class ApiContractTest {
    @TempDir
    Path dataDir;
    TestDaemon daemon;
    KukeonGrpc.KukeonBlockingStub api;

    @BeforeEach
    void start() throws Exception {
        daemon = TestDaemon.start(dataDir);
        api = daemon.client();
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    private ApplyResponse apply(String yaml, boolean dryRun) {
        return api.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).setDryRun(dryRun).build());
    }

    private static String example(String name) throws Exception {
        return Files.readString(Path.of(System.getProperty("kukeon.projectDir", "."), "examples", name));
    }

    @Test
    void applyCreatesParentsAndStartsTheCellThenReportsUnchanged() throws Exception {
        ApplyResponse first = apply(example("hello-world.yaml"), false);
        assertEquals(1, first.getResultsCount());
        ApplyResult r = first.getResults(0);
        assertEquals("created", r.getOutcome(), r.toString());
        assertEquals("default/default/default/hello-world", r.getPath());
        assertEquals("Ready", r.getObject().getStatus().getState());
        assertEquals("Ready", api.get(GetRequest.newBuilder().setKind("Stack").setPath("default/default/default").build())
                .getObject().getStatus().getState(), "the missing parents were created");

        ApplyResponse second = apply(example("hello-world.yaml"), false);
        assertEquals("unchanged", second.getResults(0).getOutcome());
    }

    /** A Container document goes to its cell once: the cell answers with the container. */
    @Test
    void aContainerDocumentIsAnsweredWithTheContainerCreatedUnchangedOrUpdated() throws Exception {
        apply(example("hello-world.yaml"), false);
        String side = """
                apiVersion: v1beta1
                kind: Container
                metadata:
                  name: side
                spec:
                  realmId: default
                  spaceId: default
                  stackId: default
                  cellId: hello-world
                  image: busybox
                  command: sleep
                  args: ["%s"]
                """;
        ApplyResult added = apply(side.formatted("3600"), false).getResults(0);
        assertEquals("created", added.getOutcome(), added.toString());
        assertEquals("Container", added.getObject().getKind());
        assertEquals("default/default/default/hello-world/side", added.getObject().getPath());
        assertEquals("Ready", added.getObject().getStatus().getState(), "started into the running cell");
        assertEquals("unchanged", apply(side.formatted("3600"), false).getResults(0).getOutcome());
        ApplyResult changed = apply(side.formatted("60"), false).getResults(0);
        assertEquals("updated", changed.getOutcome());
        assertTrue(changed.getChangesList().stream().anyMatch(c -> c.contains("args")), changed.getChangesList().toString());
    }

    @Test
    void dryRunReportsTheChangesAndWritesNothing() throws Exception {
        apply(example("hello-world.yaml"), false);
        String changed = example("hello-world.yaml").replace("sleep 3", "sleep 5");
        ApplyResult dry = apply(changed, true).getResults(0);
        assertEquals("updated", dry.getOutcome());
        assertTrue(dry.getChangesList().stream().anyMatch(c -> c.contains("fetch")), dry.getChangesList().toString());
        assertEquals("unchanged", apply(example("hello-world.yaml"), true).getResults(0).getOutcome(),
                "the dry run changed nothing");
        ApplyResult real = apply(changed, false).getResults(0);
        assertEquals("updated", real.getOutcome());
    }

    @Test
    void aBrokenDocumentFailsWithItsLineAndTheOthersApply() {
        String yaml = """
                apiVersion: v1beta1
                kind: Realm
                metadata:
                  name: good
                ---
                apiVersion: v1beta1
                kind: Space
                metadata:
                  name: Bad_Name
                spec:
                  realmId: good
                """;
        ApplyResponse response = apply(yaml, false);
        ApplyResult realm = response.getResultsList().stream().filter(x -> x.getKind().equals("Realm")).findFirst().orElseThrow();
        ApplyResult space = response.getResultsList().stream().filter(x -> x.getKind().equals("Space")).findFirst().orElseThrow();
        assertEquals("created", realm.getOutcome());
        assertEquals("failed", space.getOutcome());
        assertEquals(9, space.getLine(), space.toString());
        assertTrue(space.getError().contains("metadata.name"), space.getError());
    }

    @Test
    void aManifestOverOneMebibyteIsRefused() {
        String huge = "# " + "x".repeat(1 << 20) + "\n";
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> apply(huge, false));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertEquals("ResourceExhausted", e.getTrailers().get(Metadata.Key.of(ErrorMapping.KIND_KEY,
                Metadata.ASCII_STRING_MARSHALLER)));
    }

    @Test
    void watchFromNowSeesTheNextChangeWithTheObject() throws Exception {
        LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        KukeonGrpc.newStub(daemon.channel()).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth()))
                .watch(WatchRequest.newBuilder().setFromNow(true).addKinds("Realm").build(), collect(events));
        Thread.sleep(300);
        api.create(CreateRequest.newBuilder().setObject(Docs.realm("watched")).build());
        Event e = events.poll(20, TimeUnit.SECONDS);
        assertNotNull(e);
        assertEquals("RealmCreated", e.getType());
        assertEquals("watched", e.getPath());
        assertTrue(e.getOffset() > 0);
    }

    @Test
    void applyingAgainACellThatFailedToStartTriesAgain() {
        daemon.runtime.unknownImage("late-image");
        String yaml = """
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: late}
                spec:
                  realmId: r
                  spaceId: s
                  stackId: t
                  containers: [{id: app, image: late-image}]
                """;
        ApplyResult first = apply(yaml, false).getResults(0);
        assertEquals("failed", first.getOutcome());
        assertEquals("ImageNotFound", first.getErrorKind());
        daemon.runtime.imageAppears("late-image");
        ApplyResult again = apply(yaml, false).getResults(0);
        assertEquals("unchanged", again.getOutcome(), again.toString());
        assertEquals("Ready", again.getObject().getStatus().getState());
    }

    @Test
    void theHistoryOfAnObjectThatNeverExistedIsNotFound() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> api.history(
                io.kukeon.wire.v1.HistoryRequest.newBuilder().setKind("Cell").setPath("a/b/c/nope").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }

    @Test
    void versionAndStatusAnswer() throws Exception {
        assertEquals("kukeon.v1", api.version(VersionRequest.getDefaultInstance()).getApiVersion());
        // a write of its own, so that the store's line has a write time to show (a daemon just
        // started may have written nothing yet: "write none yet")
        api.create(CreateRequest.newBuilder().setObject(Docs.realm("status-check")).build());
        StatusResponse status = io.kukeon.testing.Eventually.value("a write timed", Duration.ofSeconds(10), () -> {
            StatusResponse s = api.status(StatusRequest.getDefaultInstance());
            return s.getChecks(2).getDetail().contains("write none yet") ? null : s;
        });
        List<String> names = status.getChecksList().stream().map(StatusResponse.Check::getName).toList();
        assertEquals(List.of("daemon", "journal", "journal-store", "data-dir", "containerd", "cgroups", "network", "metrics",
                "realms", "spaces", "stacks", "cells", "containers"), names);
        assertTrue(status.getChecksList().stream().allMatch(c -> c.getLevel().equals("OK")), status.toString());
        String store = status.getChecks(2).getDetail();
        assertTrue(store.matches("H2 journal, [0-9.]+ (B|KiB|MiB) in the file " + java.util.regex.Pattern.quote(
                dataDir.resolve("journal/kukeon.mv.db").toString()) + "; read [0-9.]+ ms, write [0-9.]+ ms \\(median of the last 64 "
                + "writes\\)"), store);
        assertFalse(store.startsWith("H2 journal, 0 B"), "the file has the daemon's first events: " + store);
        daemon.runtime.setAvailable(false);
        StatusResponse down = api.status(StatusRequest.getDefaultInstance());
        assertEquals("FAIL", down.getChecksList().stream().filter(c -> c.getName().equals("containerd"))
                .findFirst().orElseThrow().getLevel());
    }

    @Test
    void logsReturnWhatTheContainerWroteAndTheTail() throws Exception {
        apply(example("hello-world.yaml"), false);
        Path log = dataDir.resolve("logs/default/default/default/hello-world/web/current.log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, io.kukeon.testing.CriLog.records("stdout", "one", "two", "three"));
        String all = read(api.logs(LogsRequest.newBuilder().setPath("default/default/default/hello-world")
                .setContainer("web").build()));
        assertEquals("one\ntwo\nthree\n", all);
        String tail = read(api.logs(LogsRequest.newBuilder().setPath("default/default/default/hello-world")
                .setContainer("web").setTailLines(2).build()));
        assertEquals("two\nthree\n", tail);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> read(api.logs(
                LogsRequest.newBuilder().setPath("default/default/default/hello-world").setContainer("nope").build())));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }

    @Test
    void imagesAreLoadedIntoTheRealmAndListed() throws Exception {
        apply(example("hello-world.yaml"), false);
        CompletableFuture<LoadImageResponse> done = new CompletableFuture<>();
        StreamObserver<ImageChunk> upload = KukeonGrpc.newStub(daemon.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth())).loadImage(observer(done));
        upload.onNext(ImageChunk.newBuilder().setRealm("default").setData(ByteString.copyFromUtf8("not really a tar")).build());
        upload.onCompleted();
        assertEquals(1, done.get(20, TimeUnit.SECONDS).getImagesCount());
        assertTrue(api.listImages(ListImagesRequest.newBuilder().setRealm("default").build()).getImagesList().stream()
                .anyMatch(i -> i.getName().startsWith("loaded:")));
    }

    @Test
    void healthNeedsNoTokenAndReportsTheRuntimeApart() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(daemon.channel());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING,
                health.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING,
                health.check(HealthCheckRequest.newBuilder().setService("kukeon.runtime").build()).getStatus());
        daemon.runtime.setAvailable(false);
        assertEquals(HealthCheckResponse.ServingStatus.NOT_SERVING,
                health.check(HealthCheckRequest.newBuilder().setService("kukeon.runtime").build()).getStatus());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING,
                health.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus(),
                "the daemon serves without containerd");
    }

    @Test
    void reflectionListsTheServices() throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> request = ServerReflectionGrpc.newStub(daemon.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth())).serverReflectionInfo(observer(answer));
        request.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        request.onCompleted();
        List<String> services = new ArrayList<>();
        answer.get(20, TimeUnit.SECONDS).getListServicesResponse().getServiceList().forEach(s -> services.add(s.getName()));
        assertTrue(services.contains("kukeon.v1.Kukeon"), services.toString());
        assertTrue(services.contains("grpc.health.v1.Health"), services.toString());
    }

    @Test
    void theTokenFileIsReadableByRootAlone() throws Exception {
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve("token"))));
        assertEquals(64, daemon.token().length(), "32 random bytes, hex");
    }

    @Test
    void aMissingOrWrongTokenIsUnauthenticated() {
        for (String auth : new String[] {null, "Bearer wrong", "Basic abc"}) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> daemon.withToken(auth).version(VersionRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode(), String.valueOf(auth));
        }
    }

    @Test
    void withoutContainerdARealmIsUnknownThenReadyWhenItReturns() throws Exception {
        daemon.runtime.setAvailable(false);
        var realm = api.create(CreateRequest.newBuilder().setObject(Docs.realm("r1")).build()).getObject();
        assertEquals("Unknown", realm.getStatus().getState());
        assertEquals("RuntimeUnavailable", realm.getStatus().getReason());
        daemon.runtime.setAvailable(true);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        String state = "";
        while (Instant.now().isBefore(deadline) && !state.equals("Ready")) {
            state = api.get(GetRequest.newBuilder().setKind("Realm").setPath("r1").build()).getObject().getStatus().getState();
            Thread.sleep(20);
        }
        assertEquals("Ready", state);
        assertTrue(daemon.runtime.namespaces().contains("r1.kukeon.io"));
    }

    @Test
    void startingACellWithAnUnknownImageFailsIt() {
        daemon.runtime.unknownImage("no-such-image");
        api.create(CreateRequest.newBuilder().setObject(Docs.realm("r1")).build());
        api.create(CreateRequest.newBuilder().setObject(Docs.space("r1/s")).build());
        api.create(CreateRequest.newBuilder().setObject(Docs.stack("r1/s/t")).build());
        api.create(CreateRequest.newBuilder().setObject(Docs.cell("r1/s/t/c", Map.of(),
                io.kukeon.model.ContainerSpec.of("app", "no-such-image", null, List.of()))).build());
        var cell = api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r1/s/t/c").build()).getObject();
        assertEquals("Failed", cell.getStatus().getState());
        assertEquals("ImageNotFound", cell.getStatus().getReason());
    }

    private Metadata auth() throws Exception {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + daemon.token());
        return m;
    }

    private static String read(Iterator<LogChunk> chunks) {
        StringBuilder out = new StringBuilder();
        chunks.forEachRemaining(c -> out.append(c.getData().toString(StandardCharsets.UTF_8)));
        return out.toString();
    }

    private static <T> StreamObserver<T> collect(LinkedBlockingQueue<T> into) {
        return new StreamObserver<>() {
            public void onNext(T value) {
                into.add(value);
            }

            public void onError(Throwable t) {
            }

            public void onCompleted() {
            }
        };
    }

    private static <T> StreamObserver<T> observer(CompletableFuture<T> into) {
        return new StreamObserver<>() {
            public void onNext(T value) {
                into.complete(value);
            }

            public void onError(Throwable t) {
                into.completeExceptionally(t);
            }

            public void onCompleted() {
            }
        };
    }
}
