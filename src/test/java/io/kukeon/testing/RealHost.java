package io.kukeon.testing;

import io.kukeon.runtime.containerd.ContainerdRuntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One test's share of the real host: a cgroup root ({@link RealComponents#cgroupRoot}) and a containerd
 * namespace suffix ({@code <id>.test.kukeon.io}) of its own, and a second containerd client to
 * look at what containerd itself holds. close() removes what is left under both.
 */
public final class RealHost implements AutoCloseable {
    public final String id = UUID.randomUUID().toString().substring(0, 8);
    public final String cgroupRoot = RealComponents.cgroupRoot(id);
    public final String suffix = id + ".test.kukeon.io";
    /** The realm label of namespaces a test makes beside the daemon's (named {@code ...<id>}), for baselines. */
    public static final String RAW_REALM = "raw";
    public final Path socket;
    public final ContainerdRuntime containerd;

    /** On the shared test containerd; skips or fails (see {@link RealComponents}) without it, root or cgroupfs. */
    public RealHost() {
        this(RealComponents.containerdSocket());
    }

    /** On another containerd than the shared test one (e.g. one the test stops and starts). */
    public RealHost(Path socket) {
        RealComponents.needCgroups();
        this.socket = socket;
        this.containerd = ContainerdRuntime.connect(socket);
    }

    /** The kukeond settings that put a daemon on this share. */
    public Map<String, String> daemonSettings() {
        return Map.of("containerd-socket", socket.toString(), "cgroup-root", cgroupRoot, "namespace-suffix", suffix);
    }

    public String namespace(String realm) {
        return realm + "." + suffix;
    }

    /** Our cgroup root in every hierarchy (v1 controllers, name=systemd, unified). */
    public List<Path> cgroupDirs() throws IOException {
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            return hierarchies.map(h -> h.resolve(cgroupRoot)).filter(Files::isDirectory).toList();
        }
    }

    /** Namespaces first (that ends our tasks), then the now empty groups, deepest first. */
    @Override
    public void close() throws IOException {
        try {
            for (String ns : containerd.listNamespaces()) {
                if (ns.endsWith(suffix)) {
                    containerd.deleteNamespace(ns, ns.substring(0, ns.length() - suffix.length() - 1));
                } else if (ns.endsWith(id)) {
                    containerd.deleteNamespace(ns, RAW_REALM);
                }
            }
        } finally {
            containerd.close();
            for (Path root : cgroupDirs()) {
                try (Stream<Path> tree = Files.walk(root)) {
                    tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> d.toFile().delete());
                }
            }
        }
    }
}
