package io.kukeon.testing;

import com.typesafe.config.ConfigRenderOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.kukeon.cgroup.CgroupManager;
import io.kukeon.network.EgressFirewall;
import io.kukeon.network.SpaceNetworks;
import io.kukeon.daemon.Daemon;
import io.kukeon.daemon.DaemonConfig;
import io.kukeon.daemon.PortsFactory;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.wire.v1.KukeonGrpc;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A kukeond in the test's JVM on a temporary data dir and a free port, with fake ports, and a
 * grpc-java client that carries its token. Restartable on the same data dir.
 */
public final class TestDaemon implements AutoCloseable {
    public final Path dataDir;
    public final FakeRuntime runtime;
    public final FakeCgroups cgroups;
    public final FakeSpaceNetworks networks = new FakeSpaceNetworks();
    public final FakeEgressFirewall egress = new FakeEgressFirewall();
    private final Map<String, String> extraFlags;
    private Path configFile;
    private Daemon daemon;
    private ManagedChannel channel;
    private boolean stopped;

    public TestDaemon(Path dataDir, Map<String, String> extraFlags) throws IOException {
        this(dataDir, new FakeRuntime(), new FakeCgroups(), extraFlags);
    }

    public TestDaemon(Path dataDir, FakeRuntime runtime, FakeCgroups cgroups, Map<String, String> extraFlags)
            throws IOException {
        this.dataDir = dataDir;
        this.runtime = runtime;
        this.cgroups = cgroups;
        this.extraFlags = extraFlags;
        start();
    }

    public static TestDaemon start(Path dataDir) throws IOException {
        return new TestDaemon(dataDir, Map.of());
    }

    /** A daemon with extra configuration (a HOCON file, as --config gives), e.g. another journal plugin. */
    public static TestDaemon withConfig(Path dataDir, String hocon, Map<String, String> flags) throws IOException {
        Path file = Files.createDirectories(dataDir).resolve("test.conf");
        Files.writeString(file, hocon);
        TestDaemon d = new TestDaemon(dataDir, new FakeRuntime(), new FakeCgroups(), flags, file);
        return d;
    }

    /** A daemon on this fake runtime with a --config file (e.g. restart delays, which only a file can set). */
    public static TestDaemon withConfig(Path dataDir, FakeRuntime runtime, Path configFile, Map<String, String> flags)
            throws IOException {
        return new TestDaemon(dataDir, runtime, new FakeCgroups(), flags, configFile);
    }

    /** A daemon on Pekko's persistence testkit in place of the H2 journal: its writes can be made to fail. */
    public static TestDaemon withTestkitJournal(Path dataDir) throws IOException {
        return withTestkitJournal(dataDir, Map.of());
    }

    public static TestDaemon withTestkitJournal(Path dataDir, Map<String, String> flags) throws IOException {
        return withConfig(dataDir, com.typesafe.config.ConfigFactory.parseString("""
                        pekko.persistence.journal.auto-start-journals = []
                        pekko.persistence.snapshot-store.auto-start-snapshot-stores = []
                        """)
                .withFallback(PersistenceTestKitPlugin.config()).withFallback(PersistenceTestKitSnapshotPlugin.config())
                .root().render(ConfigRenderOptions.concise()), flags);
    }

    private TestDaemon(Path dataDir, FakeRuntime runtime, FakeCgroups cgroups, Map<String, String> extraFlags,
                       Path configFile) throws IOException {
        this.dataDir = dataDir;
        this.runtime = runtime;
        this.cgroups = cgroups;
        this.extraFlags = extraFlags;
        this.configFile = configFile;
        start();
    }

    /** Netty's loop for clients of the unix socket: one for all test daemons, as it is only a client's. */
    private static final class SocketClientLoop {
        static final io.netty.channel.EventLoopGroup LOOP = new io.netty.channel.epoll.EpollEventLoopGroup(1,
                new io.netty.util.concurrent.DefaultThreadFactory("test-socket-client", true));
    }
    private DaemonConfig config;

    public void start() throws IOException {
        Map<String, String> flags = new HashMap<>(Map.of("data-dir", dataDir.toString(), "listen", "127.0.0.1:0",
                "socket", dataDir.resolve("kukeond.sock").toString(),
                "relist-interval", "0s", "startup-grace", "50ms"));
        flags.put("metrics-listen", "none");   // test daemons run side by side: one that is scraped sets its own port
        flags.putAll(extraFlags);
        config = DaemonConfig.load(flags, configFile, Map.of());
        daemon = Daemon.start(config, new PortsFactory() {
            public ContainerRuntime runtime(DaemonConfig c) {
                return runtime;
            }

            public CgroupManager cgroups(DaemonConfig c) {
                return cgroups;
            }

            public SpaceNetworks networks(DaemonConfig c) {
                return networks;
            }

            public EgressFirewall egress(DaemonConfig c) {
                return egress;
            }
        });
        synchronized (this) {
            channel = null;
            stopped = false;
        }
    }

    /** The API's unix socket. */
    public Path socket() {
        return config.api().socket();
    }

    public void restart() throws IOException {
        stop();
        start();
    }

    public void stop() {
        ManagedChannel open;
        synchronized (this) {
            stopped = true;
            open = channel;
        }
        if (open != null) {
            open.shutdownNow();
            try {
                open.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    public int port() {
        return daemon.port();
    }

    public Daemon daemon() {
        return daemon;
    }

    public String token() throws IOException {
        return Files.readString(dataDir.resolve("token")).trim();
    }

    /** A blocking stub with the right token. */
    public KukeonGrpc.KukeonBlockingStub client() throws IOException {
        return withToken("Bearer " + token());
    }

    /** A blocking stub with this authorization header (null: none). */
    public KukeonGrpc.KukeonBlockingStub withToken(String authorization) {
        Metadata headers = new Metadata();
        if (authorization != null) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        }
        return KukeonGrpc.newBlockingStub(channel()).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /**
     * The client's channel to this daemon, made on first use: the benchmarks run a TestDaemon in a JVM of its
     * own, measured as kukeond's, which then holds no client of its own API. Shut once the daemon is stopped.
     */
    public synchronized ManagedChannel channel() {
        if (channel == null) {
            channel = daemon.port() >= 0 ? NettyChannelBuilder.forAddress("127.0.0.1", daemon.port()).usePlaintext().build()
                    : NettyChannelBuilder.forAddress(new io.netty.channel.unix.DomainSocketAddress(socket().toFile()))
                            .channelType(io.netty.channel.epoll.EpollDomainSocketChannel.class)
                            .eventLoopGroup(SocketClientLoop.LOOP).usePlaintext().build();
            if (stopped) {
                channel.shutdownNow();
            }
        }
        return channel;
    }

    @Override
    public void close() {
        stop();
    }
}
