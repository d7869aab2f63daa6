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

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A network namespace a test makes ({@code kukeon-<who>-<random>}) to build bridges, veths and
 * rules in, away from the host's own; tools run in it through {@link HostCommand} (nsenter, not
 * {@code ip netns exec}). close() ends the processes started in it (by PID) and deletes it.
 */
public final class ScratchNetns implements AutoCloseable {
    private static final HostCommand ON_HOST = new HostCommand(null, Duration.ofSeconds(20));

    public final String name;
    public final Path path;
    public final HostCommand host;
    private final List<Process> started = new ArrayList<>();

    /** Skips (or fails with kukeon.requireReal) without root, ip, nsenter or iptables. */
    public static void needTools(String... tools) {
        RealComponents.need("root", RealComponents.isRoot(), "network namespaces need root");
        for (String tool : tools) {
            RealComponents.need(tool, onPath(tool), tool + " is not on PATH");
        }
    }

    public ScratchNetns(String who) throws IOException {
        needTools("ip", "nsenter");
        this.name = "kukeon-" + who + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.path = Path.of("/run/netns", name);
        ok(ON_HOST, "ip", "netns", "add", name);
        this.host = new HostCommand(path, Duration.ofSeconds(20));
        ok(host, "ip", "link", "set", "lo", "up");
    }

    /** Runs {@code argv} in the namespace; fails the test unless it exits 0. Returns its output. */
    public String ok(String... argv) throws IOException {
        return ok(host, argv);
    }

    /** Runs {@code argv} in the namespace and returns its result, whatever it is. */
    public HostCommand.Result run(String... argv) throws IOException {
        return host.run(List.of(argv), Map.of(), new byte[0]);
    }

    /** Starts a long-running {@code argv} in the namespace (a server); ended by PID in close(). */
    public Process start(String... argv) throws IOException {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=" + path, "--"));
        command.addAll(List.of(argv));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }

    @Override
    public void close() throws IOException {
        for (Process p : started) {
            p.destroyForcibly();
        }
        for (Process p : started) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ON_HOST.run(List.of("ip", "netns", "del", name), Map.of(), new byte[0]);
    }

    private static String ok(HostCommand where, String... argv) throws IOException {
        HostCommand.Result r = where.run(List.of(argv), Map.of(), new byte[0]);
        assertEquals(0, r.exitCode(), String.join(" ", argv) + ": " + r.stderr());
        return r.stdout();
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }
}
