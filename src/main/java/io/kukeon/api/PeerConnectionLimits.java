package io.kukeon.api;

import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AsciiString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Bounds the TCP connections of the API: at most {@code perPeer} from one address and {@code total}
 * in all. A connection over a limit is closed as soon as it is accepted, before it costs more than a
 * socket; the unix socket has no such limit and is never crowded out by TCP peers. grpc-java has no
 * public hook per accepted connection, so this wraps its plaintext or TLS negotiator (its "Internal" API,
 * the one grpc-java offers for this): the first handler of each connection.
 */
final class PeerConnectionLimits implements InternalProtocolNegotiator.ProtocolNegotiator {
    private static final Logger LOG = LoggerFactory.getLogger(PeerConnectionLimits.class);

    private final InternalProtocolNegotiator.ProtocolNegotiator negotiator;
    private final int perPeer;
    private final int total;
    private final Map<InetAddress, Integer> byPeer = new HashMap<>();
    private int all;
    /** Refusals are logged once per peer until a connection of that peer closes: a flood costs one line. */
    private final Set<InetAddress> refusedLogged = new HashSet<>();

    /** @param negotiator what the connection does once admitted: plain HTTP/2 or TLS first */
    PeerConnectionLimits(int perPeer, int total, InternalProtocolNegotiator.ProtocolNegotiator negotiator) {
        this.negotiator = negotiator;
        this.perPeer = perPeer;
        this.total = total;
    }

    @Override
    public AsciiString scheme() {
        return negotiator.scheme();
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        ChannelHandler next = negotiator.newHandler(grpcHandler);
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                InetAddress peer = peerOf(ctx.channel().remoteAddress());
                if (!admit(peer)) {
                    ctx.close();
                    return;
                }
                ctx.channel().closeFuture().addListener(closed -> release(peer));
                ctx.pipeline().replace(this, null, next);
            }
        };
    }

    /** Counts the connection in if both limits allow it. */
    synchronized boolean admit(InetAddress peer) {
        int fromPeer = byPeer.getOrDefault(peer, 0);
        if (fromPeer >= perPeer) {
            refused(peer, "it has " + perPeer + " open already (setting api-max-connections-per-peer)");
            return false;
        }
        if (all >= total) {
            refused(peer, "kukeond has " + total + " open already (setting api-max-connections)");
            return false;
        }
        byPeer.put(peer, fromPeer + 1);
        all++;
        return true;
    }

    synchronized void release(InetAddress peer) {
        all--;
        byPeer.computeIfPresent(peer, (p, count) -> count <= 1 ? null : count - 1);
        refusedLogged.remove(peer);
    }

    private void refused(InetAddress peer, String why) {
        if (refusedLogged.add(peer)) {
            LOG.warn("refusing API connections from {}: {}", peer.getHostAddress(), why);
        }
    }

    private static InetAddress peerOf(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress() : InetAddress.getLoopbackAddress();
    }

    @Override
    public void close() {
        negotiator.close();
    }
}
