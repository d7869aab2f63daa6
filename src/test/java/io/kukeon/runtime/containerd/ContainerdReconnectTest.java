package io.kukeon.runtime.containerd;

import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.RuntimeHealth;
import io.kukeon.testing.RealComponents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon's view of a containerd that comes and goes: a private containerd of this test,
 * started and stopped with the project's scripts, under a runtime made before it existed.
 */
@Tag("containerd")
class ContainerdReconnectTest {
    private final Path base = Path.of("/tmp/kukeon-test-ctrd-" + UUID.randomUUID().toString().substring(0, 8));
    private final Path scripts = Path.of(System.getProperty("kukeon.projectDir", "."), "scripts", "containerd");

    @AfterEach
    void cleanUp() throws Exception {
        script("cleanup-containerd.sh", base.toString());
    }

    @Test
    void theRuntimeStartsWithoutContainerdAndFollowsItGoingAndComing() throws Exception {
        RealComponents.containerdSocket(); // the same gate as every containerd test: root and a containerd here
        Path socket = base.resolve("containerd.sock");
        RecordingListener listener = new RecordingListener();
        try (ContainerdRuntime runtime = new ContainerdRuntime(socket, ContainerdConfig.defaults());
             ContainerRuntime.Subscription ignored = runtime.subscribe(listener)) {
            RecordingListener.Availability down = listener.nextAvailability(5000);
            assertNotNull(down);
            assertFalse(down.available());

            script("start-containerd.sh", base.toString());
            RecordingListener.Availability up = listener.nextAvailability(10_000);
            assertEquals(new RecordingListener.Availability(true, null), up, "re-subscribed once containerd was there");
            RuntimeHealth health = runtime.health();
            assertTrue(health.available() && health.version().startsWith("1."), health.toString());
            runtime.ensureNamespace("kukeon-test-reconnect");
            assertTrue(runtime.listNamespaces().contains("kukeon-test-reconnect"));

            stopContainerd();
            RecordingListener.Availability lost = listener.nextAvailability(10_000);
            assertNotNull(lost);
            assertFalse(lost.available());
            assertFalse(runtime.health().available());

            script("start-containerd.sh", base.toString());
            assertEquals(new RecordingListener.Availability(true, null), listener.nextAvailability(15_000),
                    "back after a containerd restart");
            assertTrue(runtime.listNamespaces().contains("kukeon-test-reconnect"), "calls work again at once");
            runtime.deleteNamespace("kukeon-test-reconnect");
        }
    }

    private void stopContainerd() throws Exception {
        long pid = Long.parseLong(java.nio.file.Files.readString(base.resolve("containerd.pid")).trim());
        ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
        p.destroy();
        p.onExit().get(10, TimeUnit.SECONDS);
    }

    private void script(String name, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", scripts.resolve(name).toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), name + " finished");
        assertEquals(0, p.exitValue(), name + " failed: " + out);
    }
}
