package io.kukeon.cli;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ListResponse;
import io.kukeon.wire.v1.ObjectDoc;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel to kukeond on one daemon thread: over its unix socket, or over TCP (plain or TLS)
 * carrying {@code authorization: Bearer <token>} on every call.
 */
final class DaemonConnection implements AutoCloseable {
    /** Reads give up after this; streams (logs -f, get -w) run until the user stops them. */
    static final long UNARY_DEADLINE_SECONDS = 600;
    /**
     * While a call is in flight and nothing moves, kuke PINGs kukeond this often and gives up on a
     * daemon that does not answer within the timeout: what bounds a call that has no deadline.
     */
    static final long KEEPALIVE_SECONDS = 30;
    static final long KEEPALIVE_TIMEOUT_SECONDS = 20;
    /** Objects asked for per List call; the daemon also cuts a page at 3 MiB. */
    static final int LIST_PAGE_SIZE = 1000;
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    static {
        QuietLogging.install();
    }

    private final String host;
    private final EventLoopGroup loop;
    private final ManagedChannel channel;

    private DaemonConnection(String host, EventLoopGroup loop, NettyChannelBuilder builder) {
        this.host = host;
        this.loop = loop;
        this.channel = builder.eventLoopGroup(loop)
                .directExecutor()
                .maxInboundMessageSize(64 << 20)
                .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .userAgent("kuke/" + ClientVersion.get())
                .build();
    }

    /**
     * On TCP: the token goes with every call, over TLS when {@code tls} is given. NIO, as loading the
     * epoll library would cost more than it saves.
     */
    static DaemonConnection overTcp(String host, String token, ClientTls tls) {
        Metadata headers = new Metadata();
        if (token != null) {
            headers.put(AUTHORIZATION, "Bearer " + token);
        }
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(host).channelType(NioSocketChannel.class)
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        if (tls == null) {
            builder.usePlaintext();
        } else {
            builder.useTransportSecurity().sslContext(tls.context());
        }
        return new DaemonConnection(host, new NioEventLoopGroup(1, new DefaultThreadFactory("kuke-io", true)), builder);
    }

    /** On the unix socket: who may connect is the socket's mode and group; no token. Netty's NIO has no unix sockets. */
    static DaemonConnection overSocket(String host, Path socket) {
        return new DaemonConnection(host, new EpollEventLoopGroup(1, new DefaultThreadFactory("kuke-io", true)),
                NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toFile())).usePlaintext()
                        .channelType(EpollDomainSocketChannel.class));
    }

    String host() {
        return host;
    }

    /** For unary calls: with a deadline. */
    KukeonGrpc.KukeonBlockingStub calls() {
        return KukeonGrpc.newBlockingStub(channel).withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    /** For what someone waits for at a key press (completion): a deadline of {@code millis}. */
    KukeonGrpc.KukeonBlockingStub quick(long millis) {
        return KukeonGrpc.newBlockingStub(channel).withDeadlineAfter(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * For work of unknown length (apply, delete, start, stop, kill, restart: pulls, cascades): no
     * deadline of ours, so that kuke never reports failure for work that goes on and succeeds.
     * kukeond bounds the call (its ask-timeout) and the keepalive finds a daemon that stopped answering.
     */
    KukeonGrpc.KukeonBlockingStub work() {
        return KukeonGrpc.newBlockingStub(channel);
    }

    /** For server streams read in this thread: no deadline. */
    KukeonGrpc.KukeonBlockingStub streams() {
        return KukeonGrpc.newBlockingStub(channel);
    }

    /** For client streams and streams read with a timeout. */
    KukeonGrpc.KukeonStub async() {
        return KukeonGrpc.newStub(channel);
    }

    /** Every object the List finds, page after page. */
    List<ObjectDoc> listAll(ListRequest request) {
        return listAll(calls(), request);
    }

    static List<ObjectDoc> listAll(KukeonGrpc.KukeonBlockingStub api, ListRequest request) {
        List<ObjectDoc> all = new ArrayList<>();
        ListRequest page = request.toBuilder().setPageSize(LIST_PAGE_SIZE).build();
        while (true) {
            ListResponse response = api.list(page);
            all.addAll(response.getObjectsList());
            if (response.getNextPageToken().isEmpty()) {
                return all;
            }
            page = page.toBuilder().setPageToken(response.getNextPageToken()).build();
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
}
