package io.kukeon.api;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.KukeonGrpc;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.kukeon.wire.v1.StatusRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that make no call cost little and go away: closed after the handshake timeout when
 * they never begin HTTP/2, after the idle timeout when they open it and go quiet; a peer holds at
 * most its share of TCP connections, and the unix socket is never crowded out by TCP peers.
 */
class IdleConnectionsTest {
    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final Duration HANDSHAKE = Duration.ofSeconds(1);
    /** Room for a slow, shared machine: an idle connection must be gone this long after its timeout. */
    private static final Duration SLACK = Duration.ofSeconds(5);
    /** An HTTP/2 client's first bytes: the preface and an empty SETTINGS frame. */
    private static final byte[] PREFACE_AND_SETTINGS = concat("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});

    @TempDir
    Path dataDir;
    TestDaemon daemon;

    @AfterEach
    void stop() {
        daemon.close();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheHandshakeTimeout() throws Exception {
        daemon = daemon(1024, 64, IDLE, HANDSHAKE);
        try (Socket silent = connect("127.0.0.1")) {
            long start = System.nanoTime();
            awaitClosed(silent);
            assertClosedAfter(HANDSHAKE, HANDSHAKE, System.nanoTime() - start);
        }
    }

    @Test
    void aConnectionThatOpensHttp2AndMakesNoCallIsClosedAfterTheIdleTimeout() throws Exception {
        daemon = daemon(1024, 64, IDLE, HANDSHAKE);
        try (Socket quiet = connect("127.0.0.1")) {
            long start = System.nanoTime();
            quiet.getOutputStream().write(PREFACE_AND_SETTINGS);
            awaitClosed(quiet);
            // grpc-java's GOAWAY waits up to 10 s for the PING a silent client never answers
            assertClosedAfter(IDLE, IDLE.plusSeconds(10), System.nanoTime() - start);
        }
    }

    /**
     * 1,100 idle connections from one address (the flood, over pekko-http's old limit of 1,024):
     * that peer keeps its 64, the rest are closed at once; a call on the unix socket and a call from
     * another address are answered at once, while the flood is still there.
     */
    @Test
    void aFloodOfIdleConnectionsFromOnePeerCrowdsOutNeitherTheSocketNorOtherPeers() throws Exception {
        int perPeer = 64;
        daemon = daemon(4096, perPeer, Duration.ofMinutes(1), Duration.ofMinutes(1));
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 1100; i++) {
                Socket s = connect("127.0.0.1");
                s.getOutputStream().write(PREFACE_AND_SETTINGS);
                flood.add(s);
            }
            long start = System.nanoTime();
            assertEquals("daemon", overSocket().status(StatusRequest.getDefaultInstance()).getChecks(0).getName());
            Duration socketWaited = Duration.ofNanos(System.nanoTime() - start);
            start = System.nanoTime();
            assertEquals("daemon", fromAnotherAddress().status(StatusRequest.getDefaultInstance()).getChecks(0).getName());
            Duration otherPeerWaited = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("behind 1,100 idle connections: status over the socket in %d ms, from another address in %d ms%n",
                    socketWaited.toMillis(), otherPeerWaited.toMillis());
            assertTrue(socketWaited.compareTo(IDLE) < 0, "over the socket, status waited " + socketWaited);
            assertTrue(otherPeerWaited.compareTo(IDLE) < 0, "from another address, status waited " + otherPeerWaited);
            long open = countStillOpen(flood);
            assertEquals(perPeer, open, "the flooding peer keeps its share, no more");
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
    }

    private KukeonGrpc.KukeonBlockingStub overSocket() {
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(dataDir.resolve("kukeond.sock").toFile()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(loop).usePlaintext().build();
        channels.add(channel);
        return KukeonGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** A client on 127.0.0.2: another peer of the loopback. */
    private KukeonGrpc.KukeonBlockingStub fromAnotherAddress() throws IOException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", daemon.port()).usePlaintext()
                .channelType(EpollSocketChannel.class).eventLoopGroup(loop)
                .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
                    @Override
                    public java.net.SocketAddress createSocketAddress(java.net.SocketAddress remote, io.grpc.Attributes attributes) {
                        return new InetSocketAddress("127.0.0.2", 0);
                    }
                }).build();
        channels.add(channel);
        Metadata token = new Metadata();
        token.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + daemon.token());
        return KukeonGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token));
    }

    private final EpollEventLoopGroup loop = new EpollEventLoopGroup(1);
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        channels.forEach(ManagedChannel::shutdownNow);
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    /** The sockets {@link #stillOpen}, looked at side by side: one at a time, each open one costs its 200 ms. */
    private static long countStillOpen(List<Socket> sockets) throws Exception {
        java.util.concurrent.ExecutorService lookers = java.util.concurrent.Executors.newFixedThreadPool(64);
        try {
            long open = 0;
            for (java.util.concurrent.Future<Boolean> f : lookers.invokeAll(sockets.stream()
                    .map(s -> (java.util.concurrent.Callable<Boolean>) () -> stillOpen(s)).toList())) {
                open += f.get() ? 1 : 0;
            }
            return open;
        } finally {
            lookers.shutdownNow();
        }
    }

    private static boolean stillOpen(Socket s) {
        try {
            s.setSoTimeout(200);
            byte[] buffer = new byte[4096];
            while (true) {
                if (s.getInputStream().read(buffer) < 0) {
                    return false;
                }
            }
        } catch (java.net.SocketTimeoutException open) {
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    private TestDaemon daemon(int maxConnections, int perPeer, Duration idle, Duration handshake) throws IOException {
        // a silent raw client never answers PINGs: the keepalive would close it after twice its interval
        return new TestDaemon(dataDir, Map.of("api-idle-timeout", idle.toMillis() + "ms", "api-keepalive", idle.toMillis() + "ms",
                "api-handshake-timeout", handshake.toMillis() + "ms", "api-max-connections", Integer.toString(maxConnections),
                "api-max-connections-per-peer", Integer.toString(perPeer)));
    }

    private Socket connect(String address) throws IOException {
        Socket s = new Socket("127.0.0.1", daemon.port(), java.net.InetAddress.getByName(address), 0);
        s.setSoTimeout((int) IDLE.plus(SLACK).multipliedBy(2).toMillis());
        return s;
    }

    /** Reads (and drops) what the daemon sends until it closes the connection; fails on a read timeout. */
    private static void awaitClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // the server's SETTINGS and its answer to ours, then nothing until it closes
            }
        } catch (SocketException reset) {
            // closed by a reset: as good as a FIN here
        }
    }

    private static void assertClosedAfter(Duration timeout, Duration atMost, long nanos) {
        Duration took = Duration.ofNanos(nanos);
        assertTrue(took.compareTo(timeout.minusMillis(100)) >= 0 && took.compareTo(atMost.plus(SLACK)) < 0,
                "closed after " + took + ", the timeout is " + timeout);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
