package io.kukeon.runtime.containerd;

import io.kukeon.model.Resources;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.TaskInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Task exits and OOMs arrive through the event stream, not by polling. */
@Tag("containerd")
class ContainerdEventsTest {
    private ContainerdTestBed bed;

    @BeforeEach
    void setUp() throws Exception {
        bed = ContainerdTestBed.open();
        bed.loadBusybox();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void anExitWithCode3IsDeliveredWithinOneSecond() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (ContainerRuntime.Subscription ignored = bed.runtime.subscribe(listener)) {
            assertEquals(new RecordingListener.Availability(true, null), listener.nextAvailability(5000));
            ContainerRequest r = bed.request("cell1", "fails", List.of("sh", "-c", "sleep 0.5; exit 3"));
            TaskInfo started = bed.run(r);

            RecordingListener.Exit exit = listener.exitOf(r.containerdId(), 10_000);

            assertNotNull(exit, "an exit event arrived");
            assertEquals(bed.namespace, exit.namespace());
            assertEquals(3, exit.exitCode());
            assertEquals(started.pid(), exit.pid());
            long lagMs = Duration.between(exit.exitedAt(), exit.received()).toMillis();
            assertTrue(lagMs < 1000, "delivered " + lagMs + " ms after the exit");
            TaskInfo seen = bed.runtime.task(bed.namespace, r.containerdId());
            assertEquals(TaskInfo.Status.STOPPED, seen.status());
            assertEquals(3, seen.exitCode());
            assertEquals(io.kukeon.model.ContainerState.Error, seen.toContainerState());
        }
    }

    @Test
    void anOomKillIsDeliveredBeforeTheExit() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (ContainerRuntime.Subscription ignored = bed.runtime.subscribe(listener)) {
            assertEquals(new RecordingListener.Availability(true, null), listener.nextAvailability(5000));
            Resources small = new Resources(16L << 20, null, null, null, null, null, null);
            // dd holds a 64 MiB block in memory: more than the limit
            ContainerRequest r = bed.request("cell1", "hog", List.of("dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"),
                    Map.of(), small, null);
            bed.run(r);

            RecordingListener.Exit exit = listener.exitOf(r.containerdId(), 10_000);

            assertNotNull(exit, "an exit event arrived");
            assertEquals(137, exit.exitCode(), "killed by the kernel");
            assertEquals(bed.namespace + "/" + r.containerdId(), listener.ooms.poll());
        }
    }
}
