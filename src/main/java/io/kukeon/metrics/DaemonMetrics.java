package io.kukeon.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * What kukeond's own machinery measures as it works: the journal, the API, containerd calls, actor
 * restarts and the event stream. One set per JVM, as the places that measure (a journal DAO, a
 * containerd channel, an actor's restart) are; each daemon's endpoint exports it beside its tree's figures.
 */
public final class DaemonMetrics {
    private DaemonMetrics() {}

    /** From 0.5 ms (an H2 commit) to 10 s (a call's deadline). */
    private static final double[] SECONDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    public static final Histogram JOURNAL_WRITE = Histogram.builder().name("kukeon_journal_write_seconds")
            .help("Time to write one batch of events to the journal, failed writes included")
            .classicUpperBounds(SECONDS).build();

    public static final Counter JOURNAL_WRITE_FAILURES = Counter.builder().name("kukeon_journal_write_failures_total")
            .help("Journal writes that failed").build();

    public static final Counter API_REQUESTS = Counter.builder().name("kukeon_api_requests_total")
            .help("API calls ended, by gRPC method and status code").labelNames("method", "code").build();

    public static final Histogram API_REQUEST_DURATION = Histogram.builder().name("kukeon_api_request_duration_seconds")
            .help("Time from an API call's start to its end, by gRPC method (streams last as long as they are open)")
            .labelNames("method").classicUpperBounds(SECONDS).build();

    public static final Histogram CONTAINERD_CALL_DURATION = Histogram.builder().name("kukeon_containerd_call_duration_seconds")
            .help("Time of kukeond's unary calls to containerd, by gRPC method and status code")
            .labelNames("method", "code").classicUpperBounds(SECONDS).build();

    public static final Counter ACTOR_RESTARTS = Counter.builder().name("kukeon_actor_restarts_total")
            .help("Restarts of the supervisor's actors after a failure (each replays its journal), by level")
            .labelNames("level").build();

    public static final Counter EVENT_STREAM_RECONNECTS = Counter.builder().name("kukeon_containerd_event_stream_reconnects_total")
            .help("Times containerd's event stream broke and was subscribed again").build();

    /** Adds every one of them to a daemon's registry. */
    public static void registerInto(PrometheusRegistry registry) {
        registry.register(JOURNAL_WRITE);
        registry.register(JOURNAL_WRITE_FAILURES);
        registry.register(API_REQUESTS);
        registry.register(API_REQUEST_DURATION);
        registry.register(CONTAINERD_CALL_DURATION);
        registry.register(ACTOR_RESTARTS);
        registry.register(EVENT_STREAM_RECONNECTS);
    }
}
