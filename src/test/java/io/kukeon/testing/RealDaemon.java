package io.kukeon.testing;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.kukeon.api.v1.ImageChunk;
import io.kukeon.api.v1.KukeonGrpc;
import io.kukeon.api.v1.LoadImageResponse;
import io.kukeon.daemon.Daemon;
import io.kukeon.daemon.DaemonConfig;
import io.kukeon.daemon.HostPorts;
import io.kukeon.runtime.containerd.ContainerdRuntime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A kukeond in the test's JVM with the REAL ports: the test containerd and this host's cgroups.
 * Its cgroup root ({@code kukeon-test-<id>}) and namespace suffix ({@code <id>.test.kukeon.io})
 * are its own, and close() removes what is left of both.
 */
public final class RealDaemon implements AutoCloseable {
    public final String id = UUID.randomUUID().toString().substring(0, 8);
    public final String cgroupRoot = "kukeon-test-" + id;
    public final String suffix = id + ".test.kukeon.io";
    public final Path dataDir;
    public final Path socket;
    /** A second client of containerd, to check what containerd itself holds. */
    public final ContainerdRuntime containerd;
    private final Map<String, String> extraFlags;
    private Daemon daemon;
    private ManagedChannel channel;

    public RealDaemon(Path dataDir) throws IOException {
        this(dataDir, Map.of());
    }

    public RealDaemon(Path dataDir, Map<String, String> extraFlags) throws IOException {
        this(dataDir, RealComponents.containerdSocket(), extraFlags);
    }

    /** A daemon on another containerd than the shared test one (e.g. one the test stops and starts). */
    public RealDaemon(Path dataDir, Path socket, Map<String, String> extraFlags) throws IOException {
        this.socket = socket;
        RealComponents.needCgroups();
        this.dataDir = dataDir;
        this.extraFlags = extraFlags;
        this.containerd = ContainerdRuntime.connect(socket);
        start();
    }

    public void start() throws IOException {
        Map<String, String> flags = new java.util.HashMap<>(Map.of("data-dir", dataDir.toString(),
                "listen", "127.0.0.1:0", "containerd-socket", socket.toString(), "cgroup-root", cgroupRoot,
                "namespace-suffix", suffix, "relist-interval", "0s", "stop-timeout", "10s"));
        flags.putAll(extraFlags);
        DaemonConfig config = DaemonConfig.load(flags, null, Map.of());
        daemon = Daemon.start(config, new HostPorts());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", daemon.port()).usePlaintext().build();
    }

    public Daemon daemon() {
        return daemon;
    }

    public io.grpc.Channel channel() {
        return channel;
    }

    public void stop() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
        daemon.close();
    }

    public String namespace(String realm) {
        return realm + "." + suffix;
    }

    private Metadata auth() throws IOException {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + Files.readString(dataDir.resolve("token")).trim());
        return headers;
    }

    public KukeonGrpc.KukeonBlockingStub client() throws IOException {
        return KukeonGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth()))
                .withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    /** Uploads the busybox archive into the realm, as {@code kuke image load} does. */
    public LoadImageResponse loadBusybox(String realm) throws Exception {
        CompletableFuture<LoadImageResponse> done = new CompletableFuture<>();
        StreamObserver<ImageChunk> upload = KukeonGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth()))
                .loadImage(new StreamObserver<>() {
                    public void onNext(LoadImageResponse r) {
                        done.complete(r);
                    }

                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    public void onCompleted() {
                    }
                });
        byte[] buf = new byte[1 << 20];
        boolean first = true;
        try (InputStream in = Files.newInputStream(RealComponents.busyboxArchive())) {
            int n;
            while ((n = in.read(buf)) > 0) {
                ImageChunk.Builder chunk = ImageChunk.newBuilder().setData(ByteString.copyFrom(buf, 0, n));
                if (first) {
                    chunk.setRealm(realm);
                    first = false;
                }
                upload.onNext(chunk.build());
            }
        }
        upload.onCompleted();
        return done.get(60, TimeUnit.SECONDS);
    }

    /** Our cgroups in every hierarchy (v1 controllers, name=systemd, unified). */
    public List<Path> cgroupDirs() throws IOException {
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            return hierarchies.map(h -> h.resolve(cgroupRoot)).filter(Files::isDirectory).toList();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            for (String ns : containerd.listNamespaces()) {
                if (ns.endsWith(suffix) || ns.endsWith(id)) {
                    containerd.deleteNamespace(ns);
                }
            }
            containerd.close();
            for (Path root : cgroupDirs()) {
                try (Stream<Path> tree = Files.walk(root)) {
                    tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> d.toFile().delete());
                }
            }
        }
    }
}
