package io.kukeon.metrics;

import io.kukeon.model.HostIds;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.supervisor.ObjectIndex;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * kukeond's Prometheus endpoint ({@code GET /metrics}, text format) on its own small HTTP server:
 * two threads and eight waiting requests at most, beyond which a request is refused, and a
 * request that takes longer than {@link #REQUEST_SECONDS} to arrive is dropped.
 */
public final class MetricsEndpoint implements AutoCloseable {
    static final int THREADS = 2;
    static final int QUEUE = 8;
    static final int REQUEST_SECONDS = 10;

    private final HTTPServer server;
    private final InetSocketAddress address;

    private MetricsEndpoint(HTTPServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    /** The registry a daemon exports: the machinery's figures, the tree's, and the JVM's. */
    public static PrometheusRegistry registry(ObjectIndex index, HostIds ids, ContainerRuntime runtime, Executor reads) {
        PrometheusRegistry registry = new PrometheusRegistry();
        DaemonMetrics.registerInto(registry);
        registry.register(new TreeMetrics(index, ids, runtime, reads));
        JvmMetrics.builder().register(registry);
        return registry;
    }

    public static MetricsEndpoint start(InetSocketAddress where, PrometheusRegistry registry) throws IOException {
        // read once by the JDK's HTTP server when it first starts: bounds on a slow client
        System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime",
                String.valueOf(REQUEST_SECONDS)));
        System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime",
                String.valueOf(3 * REQUEST_SECONDS)));
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                r -> {
                    Thread t = new Thread(r, "kukeon-metrics");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        try {
            HTTPServer server = HTTPServer.builder().inetAddress(where.getAddress()).port(where.getPort())
                    .registry(registry).executorService(pool).buildAndStart();
            return new MetricsEndpoint(server, new InetSocketAddress(where.getAddress(), server.getPort()));
        } catch (IOException | RuntimeException e) {
            pool.shutdownNow();
            throw e;
        }
    }

    /** Where it listens (the port chosen when port 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /** {@code host:port}, as the setting is written. */
    public String where() {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
