package io.kukeon.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.kukeon.model.Sizes;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.ImageChunk;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ListResponse;
import io.kukeon.wire.v1.LoadImageResponse;
import io.kukeon.wire.v1.LogsRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.VersionRequest;
import io.kukeon.wire.v1.WatchRequest;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a hostile or clumsy client sends, by class: malformed paths on every call, oversized requests,
 * headers and objects, aborted uploads, lists under scopes that do not exist and lists larger than a
 * default client reads. Each gets the right status and costs the log at most one line, never a trace.
 */
class HostileClientTest {
    /** Paths of every wrong shape: too deep, empty segments, slashes at the ends, absurdly long. */
    static final List<String> BAD_PATHS = List.of("a/b/c/d/e/f", "a/b/c/d/e/f/g/h/i/j", "a//b", "/a", "a/", "/", "//",
            "a/b/c/d/e/" + "x/".repeat(20_000), "a/" + "b".repeat(100_000), "a/b/c/d/e/f%2Fg", "a\0/b");

    @TempDir
    Path dataDir;
    TestDaemon daemon;
    KukeonGrpc.KukeonBlockingStub api;
    ListAppender<ILoggingEvent> log;
    org.apache.pekko.actor.typed.ActorSystem<Void> client;

    @BeforeEach
    void start() throws Exception {
        log = new ListAppender<>();
        log.start();
        root().addAppender(log);
        daemon = TestDaemon.start(dataDir);
        api = daemon.client();
        Docs.createStack(api, "r/s/t");
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.terminate();
        }
        daemon.close();
        root().detachAppender(log);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** What the daemon logged at WARN or above, one string per event, with its throwable's class when it has one. */
    private List<String> warnings() {
        synchronized (log.list) {
            return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .filter(e -> !"client".equals(e.getMDCPropertyMap().get("sourceActorSystem")))
                    .map(e -> e.getLevel() + " " + e.getFormattedMessage()
                            + (e.getThrowableProxy() == null ? "" : " (thrown: " + e.getThrowableProxy().getClassName() + ")"))
                    .collect(Collectors.toList());
        }
    }

    private static Status.Code refusal(Supplier<?> call, String what) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get, what);
        String description = e.getStatus().getDescription();
        assertFalse(description == null || description.isEmpty(), what);
        assertFalse(description.contains("Exception"), what + ": no exception in " + description);
        assertTrue(description.length() < 1000, what + ": one short line, not " + description.length() + " characters");
        return e.getStatus().getCode();
    }

    /**
     * INVALID_ARGUMENT naming the field when the path has too many segments, or the level of the
     * segment that breaks the name rule ("space: ..."), in one short line.
     */
    private static void invalid(String field, Supplier<?> call, String what) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get, what);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), what + ": " + e.getStatus());
        String named = e.getStatus().getDescription().substring(0, Math.max(0, e.getStatus().getDescription().indexOf(": ")));
        boolean tooDeep = e.getStatus().getDescription().contains("segments; a path has 1 to 5 segments");
        assertTrue(tooDeep ? named.equals(field) : List.of("realm", "space", "stack", "cell", "container").contains(named),
                what + ": names " + field + " or a level: " + e.getStatus().getDescription());
        assertTrue(e.getStatus().getDescription().length() < 1000, what + ": a short line");
    }

    @Test
    void everyCallRefusesAMalformedPathNamingTheField() {
        for (String path : BAD_PATHS) {
            String what = " of \"" + Names(path) + "\"";
            invalid("path", () -> api.get(GetRequest.newBuilder().setKind("Cell").setPath(path).build()), "get" + what);
            invalid("path", () -> api.delete(DeleteRequest.newBuilder().setKind("Cell").setPath(path).build()), "delete" + what);
            invalid("path", () -> api.history(HistoryRequest.newBuilder().setKind("Cell").setPath(path).build()),
                    "history" + what);
            for (String verb : List.of("start", "stop", "kill", "restart")) {
                LifecycleRequest request = LifecycleRequest.newBuilder().setKind("Container").setPath(path).build();
                invalid("path", () -> switch (verb) {
                    case "start" -> api.start(request);
                    case "stop" -> api.stop(request);
                    case "kill" -> api.kill(request);
                    default -> api.restart(request);
                }, verb + what);
            }
            invalid("parent", () -> api.list(ListRequest.newBuilder().setKind("Container").setParent(path).build()),
                    "list" + what);
            invalid("path", () -> api.logs(LogsRequest.newBuilder().setPath(path).build()).hasNext(), "logs" + what);
            invalid("path_prefix", () -> api.watch(WatchRequest.newBuilder().setPathPrefix(path).build()).hasNext(),
                    "watch" + what);
            ObjectDoc cell = Docs.cell("r/s/t/c", Map.of(), Docs.container("app"));
            invalid("path", () -> api.create(CreateRequest.newBuilder().setObject(cell.toBuilder().setPath(path)).build()),
                    "create" + what);
        }
        invalid("page_token", () -> api.list(ListRequest.newBuilder().setKind("Cell").setPageToken("a/b/c/d/e/f").build()),
                "a page token that is no path");
        StatusRuntimeException sixDeep = assertThrows(StatusRuntimeException.class,
                () -> api.get(GetRequest.newBuilder().setKind("Cell").setPath("a/b/c/d/e/f").build()));
        assertEquals("path: \"a/b/c/d/e/f\" has more than 5 segments; a path has 1 to 5 segments:"
                + " realm/space/stack/cell/container", sixDeep.getStatus().getDescription());
        StatusRuntimeException negative = assertThrows(StatusRuntimeException.class,
                () -> api.list(ListRequest.newBuilder().setKind("Cell").setPageSize(-1).build()));
        assertEquals("page_size: must not be negative", negative.getStatus().getDescription());
        assertEquals(List.of(), warnings(), "a client's mistake is not the daemon's: nothing logged");
    }

    private static String Names(String path) {
        return io.kukeon.model.Names.printable(path);
    }

    @Test
    void bytesThatAreNoMessageOfTheCallAreInvalidArgument() throws Exception {
        MethodDescriptor.Marshaller<byte[]> raw = new MethodDescriptor.Marshaller<>() {
            public java.io.InputStream stream(byte[] value) {
                return new java.io.ByteArrayInputStream(value);
            }

            public byte[] parse(java.io.InputStream stream) {
                try {
                    return stream.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        MethodDescriptor<byte[], byte[]> get = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("kukeon.v1.Kukeon/Get")
                .setRequestMarshaller(raw).setResponseMarshaller(raw).build();
        io.grpc.Channel channel = io.grpc.ClientInterceptors.intercept(daemon.channel(),
                MetadataUtils.newAttachHeadersInterceptor(tokenHeader()));
        // many times over: the answer must reach the client before the stream is reset, every time
        for (int i = 0; i < 40; i++) {
            byte[] garbage = i % 2 == 0 ? new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff} : new byte[] {0x0a, 0x7f, 0x41};
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                    channel, get, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), garbage));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
            assertTrue(e.getStatus().getDescription().startsWith("the request is not a valid protobuf message of its call"),
                    e.getStatus().getDescription());
        }
        assertEquals(List.of(), warnings());
    }

    /** A call the daemon does not have (a newer kuke's, say) is UNIMPLEMENTED, which kuke turns into its version-skew line (issue 16). */
    @Test
    void aMethodTheDaemonDoesNotHaveIsUnimplementedAndLogsNothing() throws Exception {
        MethodDescriptor.Marshaller<byte[]> raw = new MethodDescriptor.Marshaller<>() {
            public java.io.InputStream stream(byte[] value) {
                return new java.io.ByteArrayInputStream(value);
            }

            public byte[] parse(java.io.InputStream stream) {
                return new byte[0];
            }
        };
        for (String method : List.of("kukeon.v1.Kukeon/PortForward", "kukeon.v2.Kukeon/Get")) {
            MethodDescriptor<byte[], byte[]> unknown = MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(method)
                    .setRequestMarshaller(raw).setResponseMarshaller(raw).build();
            io.grpc.Channel channel = io.grpc.ClientInterceptors.intercept(daemon.channel(),
                    MetadataUtils.newAttachHeadersInterceptor(tokenHeader()));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                    channel, unknown, io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[0]));
            assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode(), method + ": " + e.getStatus());
        }
        assertEquals(List.of(), warnings());
    }

    @Test
    void aListUnderAScopeThatDoesNotExistIsNotFoundNamingIt() {
        Map<String, String> missing = Map.of("nope", "realm \"nope\" not found",
                "r/nope", "space \"nope\" not found in realm \"r\"",
                "r/s/nope", "stack \"nope\" not found in space \"s\"",
                "nope/s/t", "realm \"nope\" not found",
                "r/nope/t/c", "space \"nope\" not found in realm \"r\"",
                "r/s/t/nope", "cell \"nope\" not found in stack \"t\"");
        missing.forEach((parent, message) -> {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> api.list(ListRequest.newBuilder().setKind("Container").setParent(parent).build()), parent);
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), parent);
            assertEquals(message, e.getStatus().getDescription(), parent);
        });
        assertEquals(0, api.list(ListRequest.newBuilder().setKind("Cell").setParent("r/s/t").build()).getObjectsCount(),
                "an existing scope with nothing in it is an empty list");
    }

    @Test
    void anObjectLargerThanTheLimitIsRefusedNamingIt() {
        String big = "x".repeat(60_000);
        ObjectDoc cell = Docs.cell("r/s/t/big", Map.of(), Docs.container("app", big, big, big, big, big));
        StatusRuntimeException created = assertThrows(StatusRuntimeException.class,
                () -> api.create(CreateRequest.newBuilder().setObject(cell).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, created.getStatus().getCode());
        assertTrue(created.getStatus().getDescription().startsWith("cell \"r/s/t/big\" (spec and labels): is 293."),
                created.getStatus().getDescription());
        assertTrue(created.getStatus().getDescription().endsWith("at most 256.0 KiB (262144 bytes)"),
                created.getStatus().getDescription());
        StringBuilder manifest = new StringBuilder("apiVersion: v1beta1\nkind: Cell\nmetadata: {name: big}\n"
                + "spec: {realmId: r, spaceId: s, stackId: t, containers: [{id: app, image: busybox, args: [");
        for (int i = 0; i < 5; i++) {
            manifest.append(i == 0 ? "" : ", ").append(big);
        }
        manifest.append("]}]}\n");
        var result = api.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(manifest.toString())).build())
                .getResults(0);
        assertEquals("failed", result.getOutcome());
        assertEquals("InvalidArgument", result.getErrorKind());
        assertTrue(result.getError().startsWith("cell \"r/s/t/big\" (spec and labels): is "), result.getError());
        assertThrows(StatusRuntimeException.class,
                () -> api.get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/big").build()), "nothing was stored");
    }

    @Test
    void aListLargerThanAResponseIsReadPageByPageByADefaultClient() {
        String arg = "y".repeat(60_000);
        int cells = 24;   // ~240 KiB each: 5.6 MiB in all, more than the 4 MiB a default client reads at once
        for (int i = 0; i < cells; i++) {
            api.create(CreateRequest.newBuilder().setObject(Docs.cell(String.format("r/s/t/c%02d", i), Map.of(),
                    Docs.container("app", arg, arg, arg, arg))).build());
        }
        StatusRuntimeException whole = assertThrows(StatusRuntimeException.class,
                () -> api.list(ListRequest.newBuilder().setKind("Cell").build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, whole.getStatus().getCode());
        assertEquals("the cells found are more than a response may carry (3.0 MiB): narrow the list (parent, selector)"
                + " or page through it (page_size, page_token)", whole.getStatus().getDescription());

        List<String> read = new ArrayList<>();
        int pages = 0;
        ListRequest page = ListRequest.newBuilder().setKind("Cell").setPageSize(1000).build();
        while (true) {
            ListResponse response = api.list(page);   // the test daemon's client keeps grpc-java's 4 MiB default
            assertTrue(response.getSerializedSize() <= Sizes.MAX_RESPONSE_BYTES, "page " + pages);
            response.getObjectsList().forEach(o -> read.add(o.getPath()));
            pages++;
            if (response.getNextPageToken().isEmpty()) {
                break;
            }
            page = page.toBuilder().setPageToken(response.getNextPageToken()).build();
        }
        assertEquals(2, pages);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < cells; i++) {
            expected.add(String.format("r/s/t/c%02d", i));
        }
        assertEquals(expected, read, "every cell once, in path order");

        ListResponse five = api.list(ListRequest.newBuilder().setKind("Cell").setPageSize(5).build());
        assertEquals(5, five.getObjectsCount());
        assertEquals("r/s/t/c04", five.getNextPageToken());
    }

    @Test
    void anOversizedRequestIsRefusedBeforeItIsRead() throws Exception {
        StatusRuntimeException apply = assertThrows(StatusRuntimeException.class, () -> api.apply(ApplyRequest.newBuilder()
                .setManifest(ByteString.copyFrom(new byte[3 << 20])).build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, apply.getStatus().getCode(), apply.getStatus() + " " + warnings());
        assertTrue(apply.getStatus().getDescription().startsWith("gRPC message exceeds maximum size 1114112"),
                apply.getStatus().getDescription());

        // Ten requests that declare 60 MB each, send 3 MiB and then stall: each is refused while the
        // rest of it has not even been sent, and the heap does not grow by what they declare.
        int calls = 10;
        int declared = 60_000_000;
        CompletableFuture<org.apache.pekko.util.ByteString> never = new CompletableFuture<>();
        long before = usedHeapAfterGc();
        List<CompletableFuture<HttpResponse>> responses = new ArrayList<>();
        // a client of its own, whose complaints about the streams the daemon resets are not the daemon's log
        client = org.apache.pekko.actor.typed.ActorSystem.create(org.apache.pekko.actor.typed.javadsl.Behaviors.empty(), "client");
        for (int i = 0; i < calls; i++) {
            responses.add(stalledRequest(declared, 3 << 20, never));
        }
        for (CompletableFuture<HttpResponse> response : responses) {
            HttpResponse r = response.get(30, TimeUnit.SECONDS);
            assertEquals("8", r.getHeader("grpc-status").map(h -> h.value()).orElse("none: " + r), "RESOURCE_EXHAUSTED");
        }
        long grown = usedHeapAfterGc() - before;
        System.out.printf("heap grew by %s with %d stalled requests declaring %s each%n", Sizes.of(Math.max(grown, 0)),
                calls, Sizes.of(declared));
        assertTrue(grown < 100L << 20, "the heap grew by " + Sizes.of(grown) + ", not by what was declared");
        never.complete(org.apache.pekko.util.ByteString.emptyByteString());
        Thread.sleep(1000);   // past the reset of the streams
        assertEquals(List.of(), warnings());
        assertEquals("r", api.get(GetRequest.newBuilder().setKind("Realm").setPath("r").build()).getObject().getPath(),
                "the daemon answers on");
    }

    /** A raw HTTP/2 gRPC call to Apply whose one frame declares {@code declared} bytes, of which it sends {@code sent}. */
    private CompletableFuture<HttpResponse> stalledRequest(int declared, int sent,
                                                           CompletableFuture<org.apache.pekko.util.ByteString> rest)
            throws Exception {
        var system = client;
        org.apache.pekko.util.ByteString frameHeader = org.apache.pekko.util.ByteString.fromArray(new byte[] {0,
                (byte) (declared >>> 24), (byte) (declared >>> 16), (byte) (declared >>> 8), (byte) declared});
        org.apache.pekko.util.ByteString chunk = org.apache.pekko.util.ByteString.fromArray(new byte[64 << 10]);
        Source<org.apache.pekko.util.ByteString, ?> body = Source.single(frameHeader)
                .concat(Source.repeat(chunk).take(sent / chunk.size()))
                .concat(Source.completionStage(rest).filter(b -> !b.isEmpty()));
        HttpRequest request = HttpRequest.POST("http://127.0.0.1:" + daemon.port() + "/kukeon.v1.Kukeon/Apply")
                .withEntity(HttpEntities.createChunked(ContentTypes.parse("application/grpc"), body))
                .addHeader(RawHeader.create("authorization", "Bearer " + daemon.token()))
                .addHeader(RawHeader.create("te", "trailers"));
        return Source.single(request).concat(Source.never())
                .via(Http.get(system).connectionTo("127.0.0.1").toPort(daemon.port()).http2WithPriorKnowledge())
                .runWith(Sink.head(), system).toCompletableFuture();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void anOversizedHeaderFromAClientWithoutATokenCostsNoLogLine() throws Exception {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-big", Metadata.ASCII_STRING_MARSHALLER), "a".repeat(200_000));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> KukeonGrpc.newBlockingStub(
                daemon.channel()).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(10, TimeUnit.SECONDS).version(VersionRequest.getDefaultInstance()));
        // kukeond announces its limit (SETTINGS_MAX_HEADER_LIST_SIZE): a grpc-java client refuses to send them
        assertTrue(String.valueOf(e.getCause()).contains("Header size exceeded max allowed size (16384)"), e.getStatus().toString());
        // a client that sends them anyway has its stream refused
        client = org.apache.pekko.actor.typed.ActorSystem.create(org.apache.pekko.actor.typed.javadsl.Behaviors.empty(), "client");
        HttpRequest request = HttpRequest.POST("http://127.0.0.1:" + daemon.port() + "/kukeon.v1.Kukeon/Version")
                .withEntity(HttpEntities.create(ContentTypes.parse("application/grpc"), new byte[5]))
                .addHeader(RawHeader.create("x-big", "a".repeat(200_000)))
                .addHeader(RawHeader.create("te", "trailers"));
        CompletableFuture<HttpResponse> response = Source.single(request).concat(Source.never())
                .via(Http.get(client).connectionTo("127.0.0.1").toPort(daemon.port()).http2WithPriorKnowledge())
                .runWith(Sink.head(), client).toCompletableFuture();
        try {
            HttpResponse r = response.get(10, TimeUnit.SECONDS);
            assertEquals(431, r.status().intValue(), r.toString());
        } catch (java.util.concurrent.ExecutionException refused) {
            // or the stream is reset: either way nothing reaches a service
        }
        Thread.sleep(500);   // anything that would be logged is logged by now
        assertEquals(List.of(), warnings());
        assertEquals("r", api.get(GetRequest.newBuilder().setKind("Realm").setPath("r").build()).getObject().getPath(),
                "the daemon answers on");
    }

    @Test
    void anAbortedUploadIsNoErrorAndLeavesNoFile() throws Exception {
        Context.CancellableContext call = Context.current().withCancellation();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        Metadata token = tokenHeader();
        call.run(() -> {
            StreamObserver<ImageChunk> upload = KukeonGrpc.newStub(daemon.channel())
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token))
                    .loadImage(new StreamObserver<>() {
                        public void onNext(LoadImageResponse r) {
                        }

                        public void onError(Throwable t) {
                            ended.complete(t);
                        }

                        public void onCompleted() {
                            ended.complete(null);
                        }
                    });
            upload.onNext(ImageChunk.newBuilder().setRealm("r").setData(ByteString.copyFrom(new byte[100_000])).build());
            upload.onNext(ImageChunk.newBuilder().setData(ByteString.copyFrom(new byte[100_000])).build());
        });
        Path uploads = dataDir.resolve("uploads");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(java.nio.file.Files.isDirectory(uploads) && list(uploads).size() == 1) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, list(uploads).size(), "the upload is under way");
        call.cancel(null);
        ended.get(10, TimeUnit.SECONDS);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!list(uploads).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        assertEquals(List.of(), list(uploads), "the part uploaded is removed");
        assertEquals(List.of(), warnings(), "a client that goes away is not an error of the daemon");
    }

    private Metadata tokenHeader() throws Exception {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + daemon.token());
        return headers;
    }

    private static List<Path> list(Path dir) throws java.io.IOException {
        try (var files = java.nio.file.Files.list(dir)) {
            return files.toList();
        }
    }
}
