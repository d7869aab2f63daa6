package io.kukeon.api;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.kukeon.metrics.ApiCallMetrics;
import io.kukeon.model.Sizes;
import io.kukeon.wire.health.Health;
import io.kukeon.wire.health.HealthGrpc;
import io.kukeon.wire.v1.Kukeon;
import io.kukeon.wire.v1.KukeonGrpc;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.Materializer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Serves the kukeon service, health and server reflection with grpc-java's Netty server: on a unix
 * socket (no token; the socket's mode and group decide who connects) and, when set, on TCP (behind
 * the token, with per-peer and total connection limits). Every request is read up to
 * {@link Sizes#MAX_REQUEST_BYTES} and refused, unread beyond its length prefix, when larger; an
 * image upload is bounded in all by {@code kukeon.max-image-upload}.
 */
public final class ApiServer implements AutoCloseable {
    /** Calls in flight on one connection; kuke makes one or two. */
    static final int MAX_CALLS_PER_CONNECTION = 128;
    /** Request headers (the token and a few more) read at most; a larger header block is refused. */
    static final int MAX_HEADER_BYTES = 16 << 10;

    private final GrpcCalls calls;
    private final List<Server> servers;
    private final List<EventLoopGroup> loops;
    private final ApiSettings settings;
    private final int tcpPort;
    private final String where;

    private ApiServer(GrpcCalls calls, List<Server> servers, List<EventLoopGroup> loops, ApiSettings settings, int tcpPort) {
        this.calls = calls;
        this.servers = servers;
        this.loops = loops;
        this.settings = settings;
        this.tcpPort = tcpPort;
        this.where = tcpPort < 0 ? settings.where() : settings.withTcpPort(tcpPort).where();
    }

    /**
     * Checks the socket path and removes a socket left by a kukeond that is gone: before the daemon
     * starts, so that a path that cannot be ours fails before anything is touched, and before {@link #start}.
     */
    public static void prepare(ApiSettings settings) throws IOException {
        if (settings.socket() != null) {
            ApiSocket.prepare(settings.socket());
        }
    }

    public static ApiServer start(ActorSystem<?> system, ApiSettings settings, Kukeon kukeon, Health health, TokenAuth auth)
            throws IOException {
        GrpcCalls calls = new GrpcCalls(Materializer.matFromSystem(system));
        ImageUploadLimit uploads = new ImageUploadLimit(system.settings().config().getBytes(ImageUploadLimit.SETTING));
        List<ServerServiceDefinition> services = List.of(
                ServerInterceptors.intercept(RequestParsing.of(KukeonGrpc.bindService(new KukeonBinding(kukeon, calls, uploads))), auth),
                RequestParsing.of(HealthGrpc.bindService(new HealthBinding(health, calls))),
                ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), auth),
                ServerInterceptors.intercept(v1alphaReflection(), auth));
        // one thread accepts and reads for each listener, so that a TCP flood does not slow the socket;
        // the calls themselves run on Pekko's dispatcher
        List<EventLoopGroup> loops = new ArrayList<>();
        List<Server> servers = new ArrayList<>();
        int tcpPort = -1;
        try {
            if (settings.socket() != null) {
                servers.add(builder(NettyServerBuilder.forAddress(new DomainSocketAddress(settings.socket().toFile())),
                        settings, services, loop(loops, "kukeon-api-socket"), system)
                        .channelType(EpollServerDomainSocketChannel.class).build().start());
                ApiSocket.restrict(settings.socket(), settings.socketGroup());
            }
            if (settings.tcp() != null) {
                InternalProtocolNegotiator.ProtocolNegotiator negotiator = settings.tls() == null
                        ? InternalProtocolNegotiators.serverPlaintext()
                        : InternalProtocolNegotiators.serverTls(settings.tls().serverContext());
                Server tcp = builder(NettyServerBuilder.forAddress(settings.tcp(), InternalNettyServerCredentials.create(
                        new PeerConnectionLimits(settings.maxConnectionsPerPeer(), settings.maxConnections(), negotiator))),
                        settings, services, loop(loops, "kukeon-api-tcp"), system)
                        .channelType(EpollServerSocketChannel.class).build().start();
                servers.add(tcp);
                tcpPort = ((InetSocketAddress) tcp.getListenSockets().get(0)).getPort();
            }
        } catch (IOException | RuntimeException e) {
            // what is at the socket path now is ours: prepare() left nothing there
            new ApiServer(calls, servers, loops, settings, -1).close();
            throw e;
        }
        return new ApiServer(calls, servers, loops, settings, tcpPort);
    }

    private static EventLoopGroup loop(List<EventLoopGroup> loops, String name) {
        EventLoopGroup loop = new EpollEventLoopGroup(1, new DefaultThreadFactory(name, true));
        loops.add(loop);
        return loop;
    }

    /** The reflection older tools (grpcurl before 1.8.8) ask for. */
    @SuppressWarnings("deprecation")
    private static io.grpc.BindableService v1alphaReflection() {
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }

    private static NettyServerBuilder builder(NettyServerBuilder builder, ApiSettings settings,
                                              List<ServerServiceDefinition> services, EventLoopGroup loops,
                                              ActorSystem<?> system) {
        services.forEach(builder::addService);
        long keepalive = settings.keepalive().toMillis();
        return builder.bossEventLoopGroup(loops).workerEventLoopGroup(loops)
                .executor(system.executionContext())
                .intercept(new ApiCallMetrics())
                .maxInboundMessageSize((int) Sizes.MAX_REQUEST_BYTES)
                .maxInboundMetadataSize(MAX_HEADER_BYTES)
                .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
                .handshakeTimeout(settings.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .maxConnectionIdle(settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTime(keepalive, TimeUnit.MILLISECONDS)
                .keepAliveTimeout(keepalive, TimeUnit.MILLISECONDS)
                // kuke PINGs a silent call every 30 s: allowed, with room to spare
                .permitKeepAliveTime(10, TimeUnit.SECONDS);
    }

    /** The TCP port (the one chosen when the setting asked for port 0), or -1 when there is no TCP listener. */
    public int tcpPort() {
        return tcpPort;
    }

    /** Where callers reach the API, as the log and errors name it (with the TCP port chosen for port 0). */
    public String where() {
        return where;
    }

    public Path socket() {
        return settings.socket();
    }

    /**
     * Stops taking calls, ends the streams (their clients are told kukeond is stopping), gives unary
     * calls in flight a moment, then closes the connections (their clients see them close, as when
     * kukeond dies) and removes the socket file.
     */
    @Override
    public void close() {
        calls.stopStreams();
        servers.forEach(Server::shutdown);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (Server server : servers) {
            try {
                server.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        loops.forEach(loop -> loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        servers.forEach(Server::shutdownNow);
        if (settings.socket() != null) {
            ApiSocket.remove(settings.socket());
        }
    }
}
