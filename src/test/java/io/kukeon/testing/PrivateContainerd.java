package io.kukeon.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A containerd of the test's own, started and stopped with the project's scripts, for tests that
 * take containerd away (the shared test containerd must stay up for the others).
 */
public final class PrivateContainerd implements AutoCloseable {
    private static final Path SCRIPTS = Path.of(System.getProperty("kukeon.projectDir", "."), "scripts", "containerd");

    public final Path base = Path.of("/tmp/kukeon-test-ctrd-" + UUID.randomUUID().toString().substring(0, 8));

    public Path socket() {
        return base.resolve("containerd.sock");
    }

    public void start() throws IOException, InterruptedException {
        script("start-containerd.sh", base.toString());
    }

    /** SIGTERM, as an administrator's restart does; its shims and their containers keep running. */
    public void stop() throws Exception {
        long pid = Long.parseLong(Files.readString(base.resolve("containerd.pid")).trim());
        ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
        p.destroy();
        p.onExit().get(10, TimeUnit.SECONDS);
    }

    /** Everything it and the test left: tasks, shims, mounts, the base dir, and the given cgroup roots. */
    @Override
    public void close() throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(base.toString()));
        script("cleanup-containerd.sh", args.toArray(new String[0]));
    }

    private static void script(String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPTS.resolve(name).toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(name + " failed: " + out);
        }
    }
}
