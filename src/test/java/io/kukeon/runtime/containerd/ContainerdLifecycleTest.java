package io.kukeon.runtime.containerd;

import io.kukeon.model.GroupStatus;
import io.kukeon.model.Resources;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.ImageInfo;
import io.kukeon.runtime.ObservedContainer;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.testing.RealComponents;
import io.kukeon.runtime.StopOptions;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.runtime.containerd.api.containers.Container;
import io.kukeon.runtime.containerd.api.snapshots.Info;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images, containers and tasks against a real containerd, each test in its own namespace and cgroup root. */
@Tag("containerd")
class ContainerdLifecycleTest {
    private ContainerdTestBed bed;

    @BeforeEach
    void setUp() throws Exception {
        bed = ContainerdTestBed.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void loadedArchiveIsListedUnpackedInItsNamespaceOnly() throws Exception {
        List<ImageInfo> loaded = bed.loadBusybox();

        assertEquals(List.of(ContainerdTestBed.BUSYBOX), loaded.stream().map(ImageInfo::name).toList());
        assertNotNull(bed.images.get(bed.namespace, ContainerdTestBed.BUSYBOX), "containerd has the image record");
        ResolvedImage image = ResolvedImage.read(new Content(bed.raw), bed.namespace, ContainerdTestBed.BUSYBOX,
                bed.images.get(bed.namespace, ContainerdTestBed.BUSYBOX).getTarget());
        assertNotNull(bed.snapshots.stat(bed.namespace, "overlayfs", image.topChainId()), "the layer is unpacked");
        assertTrue(loaded.get(0).size() > 1_000_000, "size counts the layer");

        String other = bed.namespace + "-other";
        bed.runtime.ensureNamespace(other, ContainerdTestBed.REALM, false);
        try {
            assertTrue(bed.images.list(other).isEmpty(), "another namespace does not see the image");
        } finally {
            bed.runtime.deleteNamespace(other, ContainerdTestBed.REALM);
        }
    }

    @Test
    void workloadJoinsTheRootsNetIpcAndUtsButNotItsPidNamespace() throws Exception {
        bed.loadBusybox();
        TaskInfo root = bed.run(bed.request("cell1", "root", List.of("sleep", "3600")));
        int rootPid = root.pid();
        Map<String, String> joins = Map.of("network", "/proc/" + rootPid + "/ns/net",
                "ipc", "/proc/" + rootPid + "/ns/ipc", "uts", "/proc/" + rootPid + "/ns/uts");
        ContainerRequest workload = bed.request("cell1", "web", List.of("sleep", "3600"), joins, Resources.NONE, null);
        TaskInfo web = bed.run(workload);

        assertEquals(io.kukeon.runtime.containerd.api.types.task.Status.RUNNING,
                bed.tasks.get(bed.namespace, "sp_st_cell1_root").getStatus());
        assertEquals(io.kukeon.runtime.containerd.api.types.task.Status.RUNNING,
                bed.tasks.get(bed.namespace, "sp_st_cell1_web").getStatus());
        for (String ns : List.of("net", "ipc", "uts")) {
            assertEquals(nsLink(rootPid, ns), nsLink(web.pid(), ns), ns + " namespace is shared");
        }
        assertNotEquals(nsLink(rootPid, "pid"), nsLink(web.pid(), "pid"), "pid namespace is not shared");
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString(), nsLink(rootPid, "net"),
                "the cell has its own network namespace");
        assertEquals("/" + bed.cgroup("cell1", "sp_st_cell1_web").relative(), cgroupOf(web.pid(), "memory"));
    }

    @Test
    void stdoutAndStderrLandInTheLogFile() throws Exception {
        bed.loadBusybox();
        ContainerRequest r = bed.request("cell1", "echo", List.of("sh", "-c", "echo hello-from-kukeon; echo oops >&2"));
        bed.run(r);
        assertNotNull(bed.tasks.awaitExit(bed.namespace, r.containerdId(), Duration.ofSeconds(10)));

        String log = waitForContent(bed.log(r.containerdId()), text -> text.contains("oops"));
        assertTrue(log.contains("hello-from-kukeon\n"), log);
        assertTrue(log.contains("oops\n"), log);

        // starting again replaces the stopped task; the first run's log becomes the previous one
        bed.runtime.startTask(bed.namespace, r.containerdId(), bed.logTarget(r.containerdId()));
        assertNotNull(bed.tasks.awaitExit(bed.namespace, r.containerdId(), Duration.ofSeconds(10)));
        String again = waitForContent(bed.log(r.containerdId()), text -> text.contains("oops\n"));
        assertEquals(1, count(again, "hello-from-kukeon\n"), again);
        assertEquals(log, Files.readString(bed.log(r.containerdId()).resolveSibling("previous.log")));
    }

    /**
     * With containerd's file:// logging the shim's stdout copier closes the shared log file when
     * stdout ends, and stderr written just before the exit was lost (7 runs in 100 here).
     */
    @Test
    void stderrWrittenRightBeforeTheExitIsKept() throws Exception {
        bed.loadBusybox();
        ContainerRequest r = bed.request("cell1", "quick", List.of("sh", "-c", "echo out; echo err >&2"));
        bed.run(r);
        int runs = 30;
        Path previousLog = bed.log(r.containerdId()).resolveSibling("previous.log");
        List<String> lost = new java.util.ArrayList<>();
        for (int i = 1; i < runs; i++) {
            assertNotNull(bed.tasks.awaitExit(bed.namespace, r.containerdId(), Duration.ofSeconds(10)));
            // the stopped task is deleted (its logger drained and ended) before the new one's run begins
            bed.runtime.startTask(bed.namespace, r.containerdId(), bed.logTarget(r.containerdId()));
            String previous = Files.readString(previousLog);
            if (count(previous, "out\n") != 1 || count(previous, "err\n") != 1) {
                lost.add("run " + i + ": " + previous);
            }
        }
        assertEquals(List.of(), lost);
        assertNotNull(bed.tasks.awaitExit(bed.namespace, r.containerdId(), Duration.ofSeconds(10)));
        bed.runtime.stop(bed.namespace, r.containerdId(), StopOptions.graceful(Duration.ofSeconds(1)));   // the loggers drain and end

        // each start begins a new run of the log (the last one kept as the previous): every run has both lines
        String last = waitForContent(bed.log(r.containerdId()), text -> text.contains("err\n"));
        String previous = Files.readString(bed.log(r.containerdId()).resolveSibling("previous.log"));
        assertEquals(List.of(1, 1, 1, 1), List.of(count(last, "out\n"), count(last, "err\n"), count(previous, "out\n"),
                count(previous, "err\n")), last + previous);
    }

    @Test
    void stopOfAProcessIgnoringSigtermEndsWithSigkillAfterTheTimeout() throws Exception {
        bed.loadBusybox();
        ContainerRequest r = bed.request("cell1", "stubborn", List.of("sleep", "3600"));
        bed.run(r);

        long t0 = System.nanoTime();
        TaskInfo stopped = bed.runtime.stop(bed.namespace, r.containerdId(), StopOptions.graceful(Duration.ofSeconds(1)));
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(TaskInfo.Status.STOPPED, stopped.status());
        assertEquals(137, stopped.exitCode(), "killed by SIGKILL (128 + 9)");
        assertTrue(ms >= 1000, "waited the timeout first, took " + ms + " ms");
        assertTrue(ms < 6000, "SIGKILL ended it promptly, took " + ms + " ms");
        assertNull(bed.tasks.get(bed.namespace, r.containerdId()), "the task is deleted");
        assertNotNull(bed.containers.get(bed.namespace, r.containerdId()), "the record stays");
        assertEquals(TaskInfo.NO_TASK, bed.runtime.task(bed.namespace, r.containerdId()));
    }

    @Test
    void stopOfAProcessHandlingSigtermNeedsNoSigkill() throws Exception {
        bed.loadBusybox();
        ContainerRequest r = bed.request("cell1", "polite", List.of("sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"));
        bed.run(r);
        Thread.sleep(200); // let sh install its trap

        TaskInfo stopped = bed.runtime.stop(bed.namespace, r.containerdId(), StopOptions.graceful(Duration.ofSeconds(10)));

        assertEquals(0, stopped.exitCode());
    }

    @Test
    void deleteContainerLeavesNoContainerTaskOrSnapshot() throws Exception {
        bed.loadBusybox();
        ContainerRequest r = bed.request("cell1", "gone", List.of("sleep", "3600"));
        bed.run(r);
        assertNotNull(bed.snapshots.stat(bed.namespace, "overlayfs", r.containerdId()));

        bed.runtime.deleteContainer(bed.namespace, r.containerdId());

        assertNull(bed.containers.get(bed.namespace, r.containerdId()));
        assertNull(bed.tasks.get(bed.namespace, r.containerdId()));
        assertNull(bed.snapshots.stat(bed.namespace, "overlayfs", r.containerdId()));
        assertEquals(TaskInfo.NO_CONTAINER, bed.runtime.task(bed.namespace, r.containerdId()));
        bed.runtime.deleteContainer(bed.namespace, r.containerdId()); // again: already gone is fine
    }

    @Test
    void deleteNamespaceDrainsAndRemovesIt() throws Exception {
        bed.loadBusybox();
        bed.run(bed.request("cell1", "busy", List.of("sleep", "3600")));

        bed.runtime.deleteNamespace(bed.namespace, ContainerdTestBed.REALM);

        assertTrue(!bed.runtime.listNamespaces().contains(bed.namespace), "namespace is gone");
        bed.runtime.deleteNamespace(bed.namespace, ContainerdTestBed.REALM); // missing is fine
    }

    /**
     * A namespace another containerd client made and filled is not taken over by a realm, unless
     * the realm used it before namespaces were labelled; once it is a realm's, no other realm gets
     * it; and deleting a realm whose namespace is not labelled as its own removes only our containers.
     */
    @Test
    void aNamespaceSomeoneElseFilledIsNeitherTakenNorDrained() throws Exception {
        String theirs = bed.namespace + "-theirs";
        Namespaces namespaces = new Namespaces(bed.raw);
        try {
            bed.runtime.loadImage(theirs, RealComponents.busyboxArchive());   // unlabelled, as ctr would make it
            ContainerRequest ours = in(theirs, bed.request("cell1", "ours", List.of("sleep", "3600")), null);
            ContainerRequest notOurs = in(theirs, bed.request("cell1", "their-app", List.of("sleep", "3600")), Map.of());
            bed.runtime.ensureContainer(ours);
            bed.runtime.ensureContainer(notOurs);

            RuntimeFailure refused = assertThrows(RuntimeFailure.class,
                    () -> bed.runtime.ensureNamespace(theirs, "r1", false));
            assertEquals(RuntimeFailure.NAMESPACE_NOT_OURS, refused.kind());
            assertTrue(refused.getMessage().contains("2 container(s), 1 image(s)"), refused.getMessage());
            assertEquals(Map.of(), namespaces.labels(theirs).orElseThrow(), "refusing changed nothing");

            bed.runtime.deleteNamespace(theirs, "r1");
            assertEquals(List.of(notOurs.containerdId()), bed.containers.list(theirs).stream()
                    .map(Container::getId).toList(), "only the container with our cell label went");
            assertEquals(1, bed.images.list(theirs).size(), "their image is still there");

            bed.runtime.ensureNamespace(theirs, "r1", true);   // a realm that used it before labels existed
            assertEquals("r1", namespaces.labels(theirs).orElseThrow().get(ContainerdRuntime.REALM_LABEL));
            assertEquals(RuntimeFailure.NAMESPACE_NOT_OURS, assertThrows(RuntimeFailure.class,
                    () -> bed.runtime.ensureNamespace(theirs, "r2", true)).kind());
            bed.runtime.deleteNamespace(theirs, "r2");
            assertEquals(1, bed.containers.list(theirs).size(), "another realm's delete touches nothing");
        } finally {
            bed.runtime.deleteNamespace(theirs, "r1");
        }
        assertTrue(!bed.runtime.listNamespaces().contains(theirs), "its own realm's delete drains it");
    }

    /** The request in another namespace; {@code labels} null keeps the request's (which carry our cell label). */
    private static ContainerRequest in(String namespace, ContainerRequest r, Map<String, String> labels) {
        return new ContainerRequest(namespace, r.containerdId(), labels == null ? r.labels() : labels, r.image(),
                r.command(), r.args(), r.env(), r.workingDir(), r.user(), r.hostname(), r.cgroupsPath(), r.resources(),
                r.joinNamespaces(), r.shimGroup(), r.hostNetwork(), r.mounts());
    }

    @Test
    void aNewRuntimeInstanceFindsRunningContainersByTheirIds() throws Exception {
        bed.loadBusybox();
        ContainerRequest r = bed.request("cell1", "survivor", List.of("sleep", "3600"));
        int pid = bed.run(r).pid();

        try (ContainerdRuntime restarted = new ContainerdRuntime(bed.socket, ContainerdConfig.defaults())) {
            List<ObservedContainer> found = restarted.listContainers(bed.namespace);
            assertEquals(List.of(r.containerdId()), found.stream().map(ObservedContainer::containerdId).toList());
            assertEquals(TaskInfo.running(pid), found.get(0).task());
            assertEquals("cell1", found.get(0).labels().get("kukeon.io/cell"));
            assertEquals(TaskInfo.running(pid), restarted.task(bed.namespace, r.containerdId()));
            // starting again is idempotent: the running task is returned as it is
            assertEquals(pid, restarted.startTask(bed.namespace, r.containerdId(), bed.logTarget(r.containerdId())).pid());
        }
    }

    @Test
    void ensureContainerUpdatesTheSpecAndKeepsTheSnapshot() throws Exception {
        bed.loadBusybox();
        ContainerRequest first = bed.request("cell1", "app", List.of("sleep", "1"));
        bed.runtime.ensureContainer(first);
        Info before = bed.snapshots.stat(bed.namespace, "overlayfs", first.containerdId());

        bed.runtime.ensureContainer(bed.request("cell1", "app", List.of("sleep", "2")));

        Container after = bed.containers.get(bed.namespace, first.containerdId());
        assertTrue(after.getSpec().getValue().toStringUtf8().contains("\"args\":[\"sleep\",\"2\"]"));
        assertEquals(before.getCreatedAt(), bed.snapshots.stat(bed.namespace, "overlayfs", first.containerdId()).getCreatedAt(),
                "the same snapshot");
        assertEquals("cell1", after.getLabelsMap().get(Containers.SHIM_GROUP_LABEL));
    }

    @Test
    void limitsUserAndMetricsReachTheRunningProcess() throws Exception {
        bed.loadBusybox();
        Resources limits = new Resources(64L << 20, 512L, 50L, null, null, null, null);
        ContainerRequest r = bed.request("cell1", "limited", List.of("sleep", "3600"), Map.of(), limits, "nobody");
        TaskInfo t = bed.run(r);

        Path memory = Path.of("/sys/fs/cgroup/memory").resolve(r.cgroupsPath().relative());
        assertEquals(String.valueOf(64L << 20), Files.readString(memory.resolve("memory.limit_in_bytes")).trim());
        Path pids = Path.of("/sys/fs/cgroup/pids").resolve(r.cgroupsPath().relative());
        assertEquals("50", Files.readString(pids.resolve("pids.max")).trim());
        assertTrue(Files.readString(Path.of("/proc/" + t.pid() + "/status")).contains("\nUid:\t65534\t"),
                "user nobody resolved from the image's /etc/passwd");

        GroupStatus.Usage usage = bed.runtime.metrics(bed.namespace, r.containerdId());
        assertTrue(usage.memoryBytes() > 0, "memory " + usage);
        assertEquals(1L, usage.pids(), "one process: " + usage);
    }

    static String nsLink(int pid, String ns) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + ns)).toString();
    }

    static String cgroupOf(int pid, String controller) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (List.of(f[1].split(",")).contains(controller)) {
                return f[2];
            }
        }
        return null;
    }

    static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    /** The file's text once it passes the check, or after 5 s whatever it is. */
    static String waitForContent(Path file, java.util.function.Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        String text = "";
        while (System.nanoTime() < deadline) {
            text = Files.exists(file) ? Files.readString(file) : "";
            if (done.test(text)) {
                return text;
            }
            Thread.sleep(20);
        }
        return text;
    }
}
