package io.kukeon.runtime.containerd;

import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.RuntimeHealth;
import io.kukeon.testing.PrivateContainerd;
import java.nio.file.Path;
import io.kukeon.testing.RealComponents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;


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
    private final PrivateContainerd containerd = new PrivateContainerd();

    @AfterEach
    void cleanUp() throws Exception {
        containerd.close();
    }

    @Test
    void theRuntimeStartsWithoutContainerdAndFollowsItGoingAndComing() throws Exception {
        RealComponents.containerdSocket(); // the same gate as every containerd test: root and a containerd here
        Path socket = containerd.socket();
        RecordingListener listener = new RecordingListener();
        try (ContainerdRuntime runtime = new ContainerdRuntime(socket, ContainerdConfig.defaults());
             ContainerRuntime.Subscription ignored = runtime.subscribe(listener)) {
            RecordingListener.Availability down = listener.nextAvailability(5000);
            assertNotNull(down);
            assertFalse(down.available());

            containerd.start();
            RecordingListener.Availability up = listener.nextAvailability(10_000);
            assertEquals(new RecordingListener.Availability(true, null), up, "re-subscribed once containerd was there");
            RuntimeHealth health = runtime.health();
            assertTrue(health.available() && health.version().startsWith("1."), health.toString());
            runtime.ensureNamespace("kukeon-test-reconnect", "test", false);
            assertTrue(runtime.listNamespaces().contains("kukeon-test-reconnect"));

            double reconnects = io.kukeon.metrics.DaemonMetrics.EVENT_STREAM_RECONNECTS.get();
            containerd.stop();
            RecordingListener.Availability lost = listener.nextAvailability(10_000);
            assertNotNull(lost);
            assertFalse(lost.available());
            assertFalse(runtime.health().available());

            containerd.start();
            assertEquals(new RecordingListener.Availability(true, null), listener.nextAvailability(15_000),
                    "back after a containerd restart");
            assertTrue(runtime.listNamespaces().contains("kukeon-test-reconnect"), "calls work again at once");
            assertTrue(io.kukeon.metrics.DaemonMetrics.EVENT_STREAM_RECONNECTS.get() > reconnects,
                    "kukeon_containerd_event_stream_reconnects_total counted the loss");
            runtime.deleteNamespace("kukeon-test-reconnect", "test");
        }
    }
}
