package io.kukeon.testing;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.kukeon.api.Docs;
import io.kukeon.daemon.Daemon;
import io.kukeon.daemon.DaemonConfig;
import io.kukeon.daemon.HostPorts;
import io.kukeon.runtime.containerd.ContainerdRuntime;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LoadImageResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A kukeond in the test's JVM with the REAL ports: the test containerd and this host's cgroups,
 * on a {@link RealHost} share of its own (cgroup root and namespace suffix), which close() removes.
 */
public final class RealDaemon implements AutoCloseable {
    public final RealHost host;
    public final String id;
    public final String cgroupRoot;
    public final String suffix;
    public final Path dataDir;
    public final Path socket;
    /** A second client of containerd, to check what containerd itself holds. */
    public final ContainerdRuntime containerd;
    private final Map<String, String> extraFlags;
    private Daemon daemon;
    private DaemonConfig config;
    private ManagedChannel channel;

    public RealDaemon(Path dataDir) throws IOException {
        this(dataDir, Map.of());
    }

    public RealDaemon(Path dataDir, Map<String, String> extraFlags) throws IOException {
        this(dataDir, new RealHost(), extraFlags);
    }

    /** A daemon on another containerd than the shared test one (e.g. one the test stops and starts). */
    public RealDaemon(Path dataDir, Path socket, Map<String, String> extraFlags) throws IOException {
        this(dataDir, new RealHost(socket), extraFlags);
    }

    private RealDaemon(Path dataDir, RealHost host, Map<String, String> extraFlags) throws IOException {
        this.host = host;
        this.id = host.id;
        this.cgroupRoot = host.cgroupRoot;
        this.suffix = host.suffix;
        this.socket = host.socket;
        this.containerd = host.containerd;
        this.dataDir = dataDir;
        this.extraFlags = extraFlags;
        try {
            start();
        } catch (IOException | RuntimeException e) {
            host.close();   // its cgroup root and network namespace are not left behind
            throw e;
        }
    }

    public void start() throws IOException {
        Map<String, String> flags = new HashMap<>(Map.of("data-dir", dataDir.toString(), "listen", "127.0.0.1:0",
                "socket", dataDir.resolve("kukeond.sock").toString(),
                "relist-interval", "0s", "stop-timeout", "10s",
                "secrets-dir", dataDir.resolveSibling(dataDir.getFileName() + "-secrets").toString()));
        flags.putAll(host.daemonSettings());
        flags.put("metrics-listen", "none");   // test daemons run side by side: one that is scraped sets its own port
        flags.putAll(extraFlags);
        config = DaemonConfig.load(flags, null, Map.of());
        daemon = Daemon.start(config, new HostPorts());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", daemon.port()).usePlaintext().build();
    }

    /** The settings it runs with (e.g. its {@code network-namespace}, the host's). */
    public DaemonConfig config() {
        return config;
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
        return host.namespace(realm);
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

    /** Applies a manifest, as {@code kuke apply -f} does: one result a document. */
    public List<ApplyResult> apply(String yaml) throws IOException {
        return client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build()).getResultsList();
    }

    /** Uploads the busybox archive into the realm, as {@code kuke image load} does. */
    public LoadImageResponse loadBusybox(String realm) throws Exception {
        return BusyboxUpload.into(KukeonGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth())), realm);
    }

    /** A realm, a space and a stack as {@code kuke create} makes them, and the busybox image in the realm. */
    public void createStack(String realm, String space, String stack) throws Exception {
        Docs.createStack(client(), realm + "/" + space + "/" + stack);
        loadBusybox(realm);
    }

    /** Our cgroups in every hierarchy (v1 controllers, name=systemd, unified). */
    public List<Path> cgroupDirs() throws IOException {
        return host.cgroupDirs();
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            host.close();
        }
    }
}
