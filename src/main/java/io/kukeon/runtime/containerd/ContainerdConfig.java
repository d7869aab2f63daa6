package io.kukeon.runtime.containerd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How {@link ContainerdRuntime} talks to containerd and to registries.
 *
 * @param snapshotter        where container root filesystems live (default {@code overlayfs})
 * @param insecureRegistries hosts ({@code host} or {@code host:port}) pulled over plain HTTP;
 *                           every other registry is HTTPS only
 * @param callTimeout        deadline of one containerd call (a call never hangs longer)
 * @param healthTimeout      deadline of the health probe
 * @param pullTimeout        deadline of one containerd content transfer or unpack of a layer
 * @param registryConnectTimeout   longest wait for a registry's TCP (and TLS) connection
 * @param registryStallTimeout     longest wait for a registry's answer, and for the next byte of a
 *                                 download (a download that keeps making progress is never cut)
 * @param killGrace          after SIGKILL, how long to wait for the task to be reaped
 * @param reconnectMin       first delay before the event stream re-subscribes
 * @param reconnectMax       longest delay between re-subscribe attempts
 * @param logger             the task logger binary (see {@link TaskLog})
 * @param attachDir          where attachable containers' terminals are reached: each one's stdin pipe and the
 *                           socket its logger serves (null: no container can be attachable)
 */
public record ContainerdConfig(String snapshotter, Set<String> insecureRegistries, Duration callTimeout,
                               Duration healthTimeout, Duration pullTimeout, Duration killGrace,
                               Duration reconnectMin, Duration reconnectMax, Duration registryConnectTimeout,
                               Duration registryStallTimeout, Path logger, Path attachDir) {

    public static final Set<String> DEFAULT_INSECURE_REGISTRIES = Set.of("127.0.0.1", "localhost");

    public ContainerdConfig {
        if (snapshotter == null || !snapshotter.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException("snapshotter must be a plugin name like overlayfs, got " + snapshotter);
        }
        insecureRegistries = insecureRegistries == null ? DEFAULT_INSECURE_REGISTRIES
                : insecureRegistries.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        callTimeout = positive("callTimeout", callTimeout);
        healthTimeout = positive("healthTimeout", healthTimeout);
        pullTimeout = positive("pullTimeout", pullTimeout);
        killGrace = positive("killGrace", killGrace);
        reconnectMin = positive("reconnectMin", reconnectMin);
        reconnectMax = positive("reconnectMax", reconnectMax);
        registryConnectTimeout = positive("registryConnectTimeout", registryConnectTimeout);
        registryStallTimeout = positive("registryStallTimeout", registryStallTimeout);
        logger = logger == null ? TaskLog.besideTheJar() : logger;
    }

    public static ContainerdConfig defaults() {
        return new ContainerdConfig("overlayfs", DEFAULT_INSECURE_REGISTRIES, Duration.ofSeconds(30),
                Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofSeconds(5),
                Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), null, null);
    }

    public ContainerdConfig withInsecureRegistries(Set<String> hosts) {
        return new ContainerdConfig(snapshotter, hosts, callTimeout, healthTimeout, pullTimeout, killGrace,
                reconnectMin, reconnectMax, registryConnectTimeout, registryStallTimeout, logger, attachDir);
    }

    public ContainerdConfig withSnapshotter(String name) {
        return new ContainerdConfig(name, insecureRegistries, callTimeout, healthTimeout, pullTimeout, killGrace,
                reconnectMin, reconnectMax, registryConnectTimeout, registryStallTimeout, logger, attachDir);
    }

    public ContainerdConfig withRegistryTimeouts(Duration connect, Duration stall) {
        return new ContainerdConfig(snapshotter, insecureRegistries, callTimeout, healthTimeout, pullTimeout, killGrace,
                reconnectMin, reconnectMax, connect, stall, logger, attachDir);
    }

    public ContainerdConfig withLogger(Path binary) {
        return new ContainerdConfig(snapshotter, insecureRegistries, callTimeout, healthTimeout, pullTimeout, killGrace,
                reconnectMin, reconnectMax, registryConnectTimeout, registryStallTimeout, binary, attachDir);
    }

    public ContainerdConfig withAttachDir(Path dir) {
        return new ContainerdConfig(snapshotter, insecureRegistries, callTimeout, healthTimeout, pullTimeout, killGrace,
                reconnectMin, reconnectMax, registryConnectTimeout, registryStallTimeout, logger, dir);
    }

    /** Plain HTTP is allowed for this registry host ({@code host} or {@code host:port}). */
    public boolean isInsecure(String registryHost) {
        String h = registryHost.toLowerCase(Locale.ROOT);
        if (insecureRegistries.contains(h)) {
            return true;
        }
        int colon = h.lastIndexOf(':');
        return colon > 0 && !h.endsWith("]") && insecureRegistries.contains(h.substring(0, colon));
    }

    private static Duration positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
        return d;
    }
}
