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
 * One test's share of the real host: a cgroup root ({@link RealComponents#cgroupRoot}), a containerd
 * namespace suffix ({@code <id>.test.kukeon.io}) and a network namespace (named as the cgroup root,
 * given to kukeond as {@code network-namespace}: its bridges, host veths and iptables rules are made
 * there, never in the machine's own) of its own, and a second containerd client to look at what
 * containerd itself holds. close(), after the daemon stopped, removes what is left under all three;
 * deleting the network namespace takes everything made in it.
 */
public final class RealHost implements AutoCloseable {
    public final String id = UUID.randomUUID().toString().substring(0, 8);
    public final String cgroupRoot = RealComponents.cgroupRoot(id);
    public final String suffix = id + ".test.kukeon.io";
    /** The realm label of namespaces a test makes beside the daemon's (named {@code ...<id>}), for baselines. */
    public static final String RAW_REALM = "raw";
    public final Path socket;
    public final ContainerdRuntime containerd;
    private final NetworkNamespaces networkNamespaces;
    /** Where the daemon's networks live ({@code /run/netns/<cgroup root>}), its loopback up. */
    public final NetworkNamespaces.Namespace network;

    /** On the shared test containerd; skips or fails (see {@link RealComponents}) without it, root or cgroupfs. */
    public RealHost() throws IOException {
        this(RealComponents.containerdSocket());
    }

    /** On another containerd than the shared test one (e.g. one the test stops and starts). */
    public RealHost(Path socket) throws IOException {
        RealComponents.needCgroups();
        this.socket = socket;
        this.networkNamespaces = new NetworkNamespaces("daemon");
        this.network = networkNamespaces.createNamed(cgroupRoot);
        try {
            network.loopbackUp();   // published ports on 127.0.0.1 answer inside it
            this.containerd = ContainerdRuntime.connect(socket);
        } catch (IOException | RuntimeException e) {
            networkNamespaces.close();
            throw e;
        }
    }

    /** The kukeond settings that put a daemon on this share. */
    public Map<String, String> daemonSettings() {
        return Map.of("containerd-socket", socket.toString(), "cgroup-root", cgroupRoot, "namespace-suffix", suffix,
                "network-namespace", network.path.toString());
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

    /** Namespaces first (that ends our tasks), then the now empty groups, deepest first, then the network namespace. */
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
            try {
                for (Path root : cgroupDirs()) {
                    try (Stream<Path> tree = Files.walk(root)) {
                        tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> d.toFile().delete());
                    }
                }
            } finally {
                networkNamespaces.close();
            }
        }
    }
}
