package io.kukeon.runtime.containerd;

import com.google.protobuf.Empty;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.kukeon.metrics.ContainerdCallMetrics;
import io.kukeon.runtime.RuntimeHealth;
import io.kukeon.runtime.containerd.api.version.VersionGrpc;
import io.kukeon.runtime.containerd.api.version.VersionResponse;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One gRPC channel to containerd's unix socket. Building it never connects, so the daemon starts
 * while containerd is down; gRPC connects on the first call and again after a loss.
 */
final class ContainerdConnection implements AutoCloseable {
    static final Metadata.Key<String> NAMESPACE = Metadata.Key.of("containerd-namespace", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> LEASE = Metadata.Key.of("containerd-lease", Metadata.ASCII_STRING_MARSHALLER);

    private final Path socket;
    private final ContainerdConfig config;
    private final EpollEventLoopGroup eventLoop;
    private final ManagedChannel channel;

    ContainerdConnection(Path socket, ContainerdConfig config) {
        this.socket = socket;
        this.config = config;
        this.eventLoop = new EpollEventLoopGroup(1);
        // forAddress, not a unix:// target: with grpc-netty-shaded also on the classpath the target
        // would resolve to the shaded DomainSocketAddress, which this channel type rejects.
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(eventLoop)
                .usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024)
                .intercept(new ContainerdCallMetrics())
                .build();
    }

    Path socket() {
        return socket;
    }

    ContainerdConfig config() {
        return config;
    }

    /** A stub whose calls carry the namespace (and the lease when not null) and the call deadline. */
    <S extends AbstractStub<S>> S stub(Function<Channel, S> factory, String namespace, String lease) {
        return stub(factory, namespace, lease, config.callTimeout());
    }

    <S extends AbstractStub<S>> S stub(Function<Channel, S> factory, String namespace, String lease, Duration deadline) {
        Metadata headers = new Metadata();
        if (namespace != null) {
            headers.put(NAMESPACE, namespace);
        }
        if (lease != null) {
            headers.put(LEASE, lease);
        }
        S s = factory.apply(ClientInterceptors.intercept(channel(), MetadataUtils.newAttachHeadersInterceptor(headers)));
        return deadline == null ? s : s.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs one call, translating gRPC failures (see {@link ContainerdFailures}). */
    <T> T call(String action, Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            throw ContainerdFailures.translate(action, socket.toString(), e);
        }
    }

    void run(String action, Runnable rpc) {
        call(action, () -> {
            rpc.run();
            return null;
        });
    }

    /** Never throws: the version when containerd answers, else why not. */
    RuntimeHealth health() {
        try {
            VersionResponse v = stub(VersionGrpc::newBlockingStub, null, null, config.healthTimeout())
                    .version(Empty.getDefaultInstance());
            return RuntimeHealth.up(v.getVersion());
        } catch (StatusRuntimeException e) {
            return RuntimeHealth.down(ContainerdFailures.translate("health", socket.toString(), e).getMessage());
        } catch (RuntimeException e) {
            return RuntimeHealth.down("containerd at " + socket + ": " + e);
        }
    }

    /**
     * The channel, with gRPC's own reconnect backoff (which grows to minutes) cut short: a call
     * after a failure tries to connect at once, so containerd is usable as soon as it is back.
     */
    Channel channel() {
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
        }
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the default quiet period (2 s) would slow every close
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
