package io.kukeon.testing;

import io.kukeon.network.HostCommand;
import io.kukeon.network.SpaceNetwork;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The network namespaces of one test ({@code kukeon-<owner>-<random>-<role>}), so that bridges,
 * veths and iptables rules are made inside them and never on the host, and traffic goes only
 * between them. Tools run in one through {@link HostCommand} ({@code nsenter --net}, never
 * {@code ip netns exec}). {@link #close} ends the servers started in them, by PID, then deletes
 * the namespaces and with them everything made there.
 */
public final class NetworkNamespaces implements AutoCloseable {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SERVER_START = Duration.ofSeconds(10);
    private static final HostCommand ON_HOST = new HostCommand(null, TOOL_TIMEOUT);

    private final String prefix;
    private final List<Namespace> made = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();

    /** Fails without root, ip or nsenter. */
    public NetworkNamespaces(String owner) {
        needTools("ip", "nsenter");
        this.prefix = "kukeon-" + owner + "-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    }

    /** Debian's CNI plugins ({@code containernetworking-plugins}). */
    public static final Path PLUGINS = Path.of("/usr/lib/cni");

    /** Fails unless root, the plugins kukeond runs and the tools are here. */
    public static void needPlugins() {
        RealComponents.need("root", RealComponents.isRoot(), "network namespaces and bridges need root");
        boolean present = SpaceNetwork.PLUGINS.stream().allMatch(p -> Files.isExecutable(PLUGINS.resolve(p)));
        RealComponents.need("CNI plugins", present, "install containernetworking-plugins (" + String.join(", ", SpaceNetwork.PLUGINS)
                + " in " + PLUGINS + ")");
        needTools("ip", "nsenter", "iptables", "busybox");
    }

    /** Fails without root or without each of {@code tools} on the PATH. */
    public static void needTools(String... tools) {
        RealComponents.need("root", RealComponents.isRoot(), "network namespaces need root");
        for (String tool : tools) {
            RealComponents.need(tool, onPath(tool), tool + " is not on PATH (iproute2, util-linux, iptables, busybox-static)");
        }
    }

    /** Makes the namespace {@code <prefix><role>} with its loopback down, as a new one is. */
    public Namespace create(String role) throws IOException {
        return createNamed(prefix + role);
    }

    /**
     * Makes the namespace {@code name} exactly (a daemon's, named as its cgroup root so that the
     * clean-up of scripts/test.sh finds both by the run's prefix); deleted with the others.
     */
    public Namespace createNamed(String name) throws IOException {
        HostCommand.Result added = ON_HOST.run(List.of("ip", "netns", "add", name), Map.of(), new byte[0]);
        if (!added.succeeded()) {
            throw new IOException("ip netns add " + name + ": " + added.stderr());
        }
        Namespace namespace = new Namespace(name);
        made.add(namespace);
        return namespace;
    }

    /** Deletes one namespace before the end of the test (a cell whose root is gone). */
    public void delete(Namespace namespace) throws IOException {
        if (made.remove(namespace)) {
            ON_HOST.run(List.of("ip", "netns", "del", namespace.name), Map.of(), new byte[0]);
        }
    }

    @Override
    public void close() throws IOException {
        for (Process server : servers) {
            server.destroyForcibly();
        }
        for (Process server : servers) {
            try {
                server.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        servers.clear();
        for (Namespace namespace : List.copyOf(made)) {
            delete(namespace);
        }
    }

    /** Whether the machine's own network namespace has a link of this name (a look only: nothing is changed there). */
    public static boolean linkExistsOnTheMachine(String name) throws IOException {
        return ON_HOST.run(List.of("ip", "link", "show", "dev", name), Map.of(), new byte[0]).succeeded();
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    /** One namespace of the test: {@code /run/netns/NAME}. */
    public final class Namespace {
        public final String name;
        public final Path path;
        /** Runs tools in this namespace. */
        public final HostCommand inside;

        private Namespace(String name) {
            this.name = name;
            this.path = Path.of("/run/netns", name);
            this.inside = new HostCommand(path, TOOL_TIMEOUT);
        }

        /** Runs {@code argv} here and returns its result, whatever it is. */
        public HostCommand.Result run(String... argv) throws IOException {
            return inside.run(List.of(argv), Map.of(), new byte[0]);
        }

        /** Runs {@code argv} here; fails the test unless it exits 0. Returns its output. */
        public String ok(String... argv) throws IOException {
            HostCommand.Result result = run(argv);
            if (!result.succeeded()) {
                fail(String.join(" ", argv) + " in " + name + " exited with " + result.exitCode() + ": "
                        + result.stderr() + result.stdout());
            }
            return result.stdout();
        }

        /** Brings the loopback up (the CNI loopback plugin does it for a cell). */
        public Namespace loopbackUp() throws IOException {
            ok("ip", "link", "set", "lo", "up");
            return this;
        }

        /**
         * Starts a server here ({@code argv}, e.g. busybox httpd) and waits until something listens on
         * TCP {@code port} (busybox netstat); it is ended by PID in {@link NetworkNamespaces#close}.
         */
        public Process startServer(int port, String... argv) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("nsenter", "--net=" + path, "--"));
            command.addAll(List.of(argv));
            Process server = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            servers.add(server);
            long deadline = System.nanoTime() + SERVER_START.toNanos();
            while (!ok("busybox", "netstat", "-ltn").contains(":" + port + " ")) {
                assertTrue(server.isAlive() && System.nanoTime() < deadline, argv[0] + " did not listen on " + port + " in " + name);
                Thread.sleep(50);
            }
            return server;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
