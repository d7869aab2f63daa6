package io.kukeon.testing;

import io.kukeon.network.HostCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Network namespaces of a test's own ({@code kukeon-<owner>-<random>-<role>}), so that bridges,
 * veths and iptables rules are made inside them and never on the host; {@link #close} deletes
 * them and with them everything made there. Tools run in one through {@link HostCommand}.
 */
public final class NetworkNamespaces implements AutoCloseable {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(20);
    private static final HostCommand HERE = new HostCommand(null, TOOL_TIMEOUT);

    private final String prefix;
    private final List<String> made = new ArrayList<>();

    public NetworkNamespaces(String owner) {
        this.prefix = "kukeon-" + owner + "-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    }

    /** Makes the namespace {@code <prefix><role>} with its loopback down, as a new one is. */
    public Path create(String role) throws IOException {
        String name = prefix + role;
        HostCommand.Result added = HERE.run(List.of("ip", "netns", "add", name), Map.of(), new byte[0]);
        if (!added.succeeded()) {
            throw new IOException("ip netns add " + name + ": " + added.stderr());
        }
        made.add(name);
        return Path.of("/run/netns", name);
    }

    /** Deletes one namespace before the end of the test (a cell whose root is gone). */
    public void delete(Path namespace) throws IOException {
        String name = namespace.getFileName().toString();
        if (made.remove(name)) {
            HERE.run(List.of("ip", "netns", "del", name), Map.of(), new byte[0]);
        }
    }

    /** Runs a tool inside {@code namespace}; a failure throws with its stderr. */
    public static String run(Path namespace, String... argv) throws IOException {
        HostCommand.Result result = in(namespace).run(List.of(argv), Map.of(), new byte[0]);
        if (!result.succeeded()) {
            throw new IOException(String.join(" ", argv) + " in " + namespace + " exited with " + result.exitCode()
                    + ": " + result.stderr() + result.stdout());
        }
        return result.stdout();
    }

    public static HostCommand in(Path namespace) {
        return new HostCommand(namespace, TOOL_TIMEOUT);
    }

    /** Whether the tools the network tests use are here: ip, iptables, nsenter and busybox. */
    public static boolean toolsPresent() {
        boolean iptables = Files.isExecutable(Path.of("/usr/sbin/iptables")) || Files.isExecutable(Path.of("/sbin/iptables"));
        return iptables && Files.isExecutable(Path.of("/bin/busybox")) && Files.isExecutable(Path.of("/usr/bin/nsenter"));
    }

    @Override
    public void close() throws IOException {
        for (String name : List.copyOf(made)) {
            HERE.run(List.of("ip", "netns", "del", name), Map.of(), new byte[0]);
            made.remove(name);
        }
    }
}
