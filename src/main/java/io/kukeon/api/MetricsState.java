package io.kukeon.api;

import io.kukeon.wire.v1.StatusResponse;

/**
 * The Prometheus endpoint as {@code kuke status} shows it.
 *
 * @param where   host:port it listens on, or null when it is off or could not listen
 * @param problem why it could not listen, or null
 */
public record MetricsState(String where, String problem) {
    public static MetricsState off() {
        return new MetricsState(null, null);
    }

    public static MetricsState listening(String where) {
        return new MetricsState(where, null);
    }

    public static MetricsState failed(String problem) {
        return new MetricsState(null, problem);
    }

    StatusResponse.Check check() {
        if (problem != null) {
            return DaemonStatus.check("metrics", "WARN", problem);
        }
        return DaemonStatus.check("metrics", "OK", where == null ? "off (metrics-listen = none)" : "http://" + where + "/metrics");
    }
}
