package io.kukeon.runtime.containerd;

import io.kukeon.cgroup.MountInfo;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.runtime.containerd.api.containers.Container;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Found by the kill -9 storm: a daemon killed while containerd creates a task leaves that create
 * going on, or its shim behind, and the restarted daemon's create of the same task failed ("failed
 * to start shim: mkdir …: file exists", "failed to delete task: container not created"), which
 * failed the cell. Here the caller cuts its create short with a deadline, at moments spread over
 * a create's length, and the start that follows must succeed. Before the fix 13 of 28 failed.
 */
@Tag("containerd")
class InterruptedTaskCreateTest {
    @Test
    void aTaskCreateCutShortByItsCallerDoesNotFailTheNextStart() throws Exception {
        try (ContainerdTestBed bed = ContainerdTestBed.open()) {
            bed.loadBusybox();
            List<String> failures = new ArrayList<>();
            int cell = 0;
            for (int deadline : new int[] {10, 20, 30, 40, 60, 80, 100, 130, 160, 200}) {
                for (int round = 0; round < 2; round++) {
                    ContainerRequest r = bed.request("c" + (cell++), "app", List.of("sleep", "3600"));
                    bed.runtime.ensureContainer(r);
                    createCutShort(bed, r, Duration.ofMillis(deadline));
                    try {
                        TaskInfo task = bed.runtime.startTask(bed.namespace, r.containerdId(), bed.logTarget(r.containerdId()));
                        if (task.status() != TaskInfo.Status.RUNNING) {
                            failures.add("cut at " + deadline + " ms: " + task);
                        }
                    } catch (RuntimeException e) {
                        failures.add("cut at " + deadline + " ms: " + e.getMessage());
                    }
                }
            }
            assertEquals(List.of(), failures);
        }
    }

    /**
     * Found by the storm: a kukeond killed mid-create left the task's bundle in containerd's state
     * with its rootfs mounted, containerd forgot the task, and every later create failed "failed to
     * start shim: mkdir …: file exists" until containerd restarted. The same leftover is made here
     * (the directory, its config, a mount on its rootfs) and the start must clear it and run.
     */
    @Test
    void aBundleLeftInContainerdsStateByAnInterruptedCreateIsClearedAndTheTaskStarts() throws Exception {
        try (ContainerdTestBed bed = ContainerdTestBed.open()) {
            bed.loadBusybox();
            Path state = bed.socket.getParent().resolve("state");
            assertTrue(Files.isDirectory(state), "the test containerd keeps its state in " + state);
            ContainerRequest r = bed.request("leftover", "app", List.of("sleep", "3600"));
            bed.runtime.ensureContainer(r);
            Path bundle = state.resolve("io.containerd.runtime.v2.task").resolve(bed.namespace).resolve(r.containerdId());
            Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
            Files.writeString(bundle.resolve("config.json"), "{}");
            Path source = Files.createDirectories(bed.socket.getParent().resolve("leftover-source"));
            Path kept = Files.writeString(source.resolve("kept"), "a container's file");
            assertEquals(0, new ProcessBuilder("mount", "--bind", source.toString(), rootfs.toString()).inheritIO().start().waitFor());
            // left a minute ago: no create is writing to it (one that is, is waited for, not removed)
            Files.setLastModifiedTime(bundle, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));

            TaskInfo task = bed.runtime.startTask(bed.namespace, r.containerdId(), bed.logTarget(r.containerdId()));

            assertEquals(TaskInfo.Status.RUNNING, task.status());
            assertTrue(Files.exists(kept), "what was mounted on the leftover rootfs is not walked into");
            assertEquals(1, MountInfo.mountpoints().stream().filter(rootfs::equals).count(),
                    "the leftover mount is gone; the new task's root is mounted there");
            assertTrue(Files.exists(rootfs.resolve("bin/busybox")) && !Files.exists(rootfs.resolve("kept")));
        }
    }

    /** A create of the task whose caller gives up after {@code deadline}, as a killed daemon does. */
    private static void createCutShort(ContainerdTestBed bed, ContainerRequest r, Duration deadline) {
        ContainerdConfig d = ContainerdConfig.defaults();
        ContainerdConfig impatient = new ContainerdConfig(d.snapshotter(), d.insecureRegistries(), deadline,
                d.healthTimeout(), d.pullTimeout(), d.killGrace(), d.reconnectMin(), d.reconnectMax(),
                d.registryConnectTimeout(), d.registryStallTimeout(), d.logger(), d.attachDir());
        try (ContainerdConnection calls = new ContainerdConnection(bed.socket, impatient)) {
            Container c = bed.containers.get(bed.namespace, r.containerdId());
            new Tasks(calls).create(bed.namespace, r.containerdId(),
                    bed.snapshots.mounts(bed.namespace, c.getSnapshotter(), c.getSnapshotKey()),
                    TaskLog.uri(d.logger(), bed.logTarget(r.containerdId())), null);
        } catch (RuntimeException cutShort) {
            // the deadline: the create goes on in containerd without its caller
        }
    }
}
