package io.kukeon.runtime.containerd;

import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.StopOptions;
import io.kukeon.runtime.TaskInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Repeated create + start, stop and delete of one cell's containers, timed. The medians go to
 * target/containerd-timings.txt (figures to compare with the notes, not a benchmark).
 */
@Tag("containerd")
class ContainerdTimingTest {
    private static final int ROUNDS = 8;
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
    void repeatedLifecyclesLeaveNothingBehind() throws Exception {
        List<Long> startMs = new ArrayList<>();
        List<Long> stopMs = new ArrayList<>();
        List<Long> deleteMs = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            // a TERM handler, so the stop measures a graceful exit rather than the timeout
            ContainerRequest r = bed.request("cell1", "c" + i, List.of("sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"));
            long t0 = System.nanoTime();
            TaskInfo started = bed.run(r);
            long t1 = System.nanoTime();
            assertEquals(TaskInfo.Status.RUNNING, bed.runtime.task(bed.namespace, r.containerdId()).status());
            TaskInfo stopped = bed.runtime.stop(bed.namespace, r.containerdId(), StopOptions.graceful(Duration.ofSeconds(10)));
            long t2 = System.nanoTime();
            bed.runtime.deleteContainer(bed.namespace, r.containerdId());
            long t3 = System.nanoTime();

            assertEquals(TaskInfo.Status.STOPPED, stopped.status(), "round " + i);
            assertEquals(started.pid(), stopped.pid());
            assertNull(bed.containers.get(bed.namespace, r.containerdId()));
            assertNull(bed.snapshots.stat(bed.namespace, "overlayfs", r.containerdId()));
            startMs.add((t1 - t0) / 1_000_000);
            stopMs.add((t2 - t1) / 1_000_000);
            deleteMs.add((t3 - t2) / 1_000_000);
        }
        String report = "containerd lifecycle, " + ROUNDS + " rounds (ms): create+start median " + median(startMs) + " " + startMs
                + "; stop (TERM, graceful exit, task delete) median " + median(stopMs) + " " + stopMs
                + "; delete container median " + median(deleteMs) + " " + deleteMs + "\n";
        System.out.print(report);
        Path out = Path.of(System.getProperty("kukeon.projectDir", "."), "target", "containerd-timings.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
