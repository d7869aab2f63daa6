package io.kukeon.api;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the API listens and what ends its connections: the one place these are set.
 *
 * @param socket                the unix socket (callers need no token: its mode and group decide who connects), or null
 * @param socketGroup           the group that may connect to the socket besides root (name or gid), or "" for root only
 * @param tcp                   the TCP address (callers need the token), or null for none
 * @param idleTimeout           a connection with no call in flight is closed after this
 * @param keepalive             kukeond PINGs a connection that has been silent this long (a call in flight keeps it, a
 *                              client that does not answer is disconnected)
 * @param handshakeTimeout      a connection that has not begun HTTP/2 within this is closed
 * @param maxConnections        TCP connections served at once
 * @param maxConnectionsPerPeer TCP connections served at once from one address
 * @param applyParallelism      documents of one manifest applied at once
 * @param tls                   TLS of the TCP listener, or null for plain HTTP/2 (allowed on loopback addresses, or
 *                              anywhere with {@code insecure-listen})
 */
public record ApiSettings(Path socket, String socketGroup, InetSocketAddress tcp, Duration idleTimeout, Duration keepalive,
                          Duration handshakeTimeout, int maxConnections, int maxConnectionsPerPeer, int applyParallelism,
                          ApiTls tls) {
    /** The same, listening on TCP port {@code port} (the one chosen when the setting asked for port 0). */
    ApiSettings withTcpPort(int port) {
        return new ApiSettings(socket, socketGroup, new InetSocketAddress(tcp.getAddress(), port), idleTimeout, keepalive,
                handshakeTimeout, maxConnections, maxConnectionsPerPeer, applyParallelism, tls);
    }

    /** Where a caller reaches the API, for log lines and errors. */
    public String where() {
        String unix = socket == null ? null : "unix:" + socket;
        String inet = tcp == null ? null : tcp.getHostString() + ":" + tcp.getPort() + (tls == null ? "" : " (TLS)");
        return unix == null ? inet : inet == null ? unix : unix + " and " + inet;
    }
}
