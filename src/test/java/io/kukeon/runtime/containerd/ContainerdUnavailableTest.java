package io.kukeon.runtime.containerd;

import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.RuntimeHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A runtime whose containerd is not there: it starts, says why it is down, and fails fast. */
class ContainerdUnavailableTest {
    @TempDir
    Path dir;

    @Test
    void healthIsDownAndCallsThrowRuntimeUnavailableInsteadOfHanging() {
        Path socket = dir.resolve("no-containerd.sock");
        try (ContainerdRuntime runtime = new ContainerdRuntime(socket, ContainerdConfig.defaults())) {
            RuntimeHealth health = assertTimeoutPreemptively(Duration.ofSeconds(5), runtime::health);
            assertFalse(health.available());
            assertTrue(health.reason().contains(socket.toString()), health.reason());

            UnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> assertThrows(UnavailableException.class, () -> runtime.ensureNamespace("realm.kukeon.io", "realm", false)));
            assertEquals("RuntimeUnavailable", e.kind());
            assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
            assertThrows(UnavailableException.class, () -> runtime.listContainers("realm.kukeon.io"));
        }
    }

    @Test
    void theEventStreamReportsTheRuntimeUnavailableWithTheReason() throws Exception {
        Path socket = dir.resolve("no-containerd.sock");
        RecordingListener listener = new RecordingListener();
        try (ContainerdRuntime runtime = new ContainerdRuntime(socket, ContainerdConfig.defaults());
             ContainerRuntime.Subscription ignored = runtime.subscribe(listener)) {
            RecordingListener.Availability first = listener.nextAvailability(5000);
            assertNotNull(first, "told within 5 s");
            assertFalse(first.available());
            assertTrue(first.reason().contains(socket.toString()), first.reason());
            Thread.sleep(500); // retries meanwhile do not repeat the news
            assertEquals(null, listener.nextAvailability(0));
        }
    }
}
