package io.kukeon.daemon;

import io.kukeon.api.Docs;
import io.kukeon.model.ContainerSpec;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cgroup-root = auto} under a service manager, on this host's real v1 hierarchies: the real
 * kukeond starts as systemd starts {@code kukeond.service} with {@code Delegate=yes} (in the
 * service's group of the hierarchies systemd uses, with {@code INVOCATION_ID} set) and runs its
 * containers below {@code <service group>/kukeon}, also in the hierarchies where it had to make the
 * way down itself; the root is recorded, so a restart by hand keeps it and adopts the containers,
 * and another root given for the data dir is refused.
 */
@Tag("containerd")
class ServiceCgroupRootTest {
    /** The v1 hierarchies systemd makes a delegated service's group in, and the unified one; not cpuset, not freezer. */
    static final List<String> SYSTEMD_MAKES = List.of("blkio", "cpu", "cpuacct", "devices", "memory", "pids", "systemd", "unified");
    @TempDir
    Path dataDir;

    @Test
    void underAServiceTheContainersLiveInItsDelegatedSubtree() throws Exception {
        try (RealHost host = new RealHost()) {
            String service = host.cgroupRoot + "/kukeond.service";
            String root = service + "/kukeon";
            List<Path> serviceGroups = new ArrayList<>();
            for (String h : SYSTEMD_MAKES) {
                serviceGroups.add(Files.createDirectories(Path.of("/sys/fs/cgroup", h, service)));
            }
            Map<String, String> settings = new HashMap<>(host.daemonSettings());
            settings.remove("cgroup-root");

            int pid;
            try (DaemonProcess daemon = DaemonProcess.kukeond(dataDir, settings)
                    .withEnvironment(Map.of("INVOCATION_ID", "0123456789abcdef0123456789abcdef")).inCgroups(serviceGroups)) {
                daemon.start();
                assertTrue(Files.readString(daemon.log()).contains("cgroup root /" + root + ": the subtree systemd delegates"
                        + " to kukeond.service"), Files.readString(daemon.log()));
                assertTrue(Files.readString(dataDir.resolve("instance.conf")).contains("cgroup-root = \"" + root + "\""));

                Docs.createStack(daemon.client(), "r/s/t");
                BusyboxUpload.into(daemon.asyncClient(), "r");
                daemon.client().create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/c", Map.of(),
                        ContainerSpec.of("app", "docker.io/library/busybox:latest", "sleep", List.of("3600")))).build());
                daemon.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build());
                pid = workloadPid(daemon);

                String leaf = "/" + root + "/r/s/t/c/s_t_c_app";
                Map<String, String> groups = cgroupsOf(pid);
                for (String controller : List.of("memory", "cpuset", "freezer", "pids", "name=systemd")) {
                    assertEquals(leaf, groups.get(controller), controller + " in " + groups);
                }
                assertEquals(leaf, groups.get(""), "the unified hierarchy");
                assertTrue(Files.isDirectory(Path.of("/sys/fs/cgroup/cpuset", service)), "made on the way down");
                assertEquals(Files.readString(Path.of("/sys/fs/cgroup/cpuset/cpuset.cpus")).trim(),
                        Files.readString(Path.of("/sys/fs/cgroup/cpuset", service, "cpuset.cpus")).trim());
                daemon.terminate();
            }

            // by hand, no longer in the service: the recorded root holds and the container is adopted
            try (DaemonProcess byHand = DaemonProcess.kukeond(dataDir, settings)) {
                byHand.start();
                assertEquals(pid, waitForReady(byHand), "the same process, adopted");
                byHand.terminate();
            }
            Map<String, String> otherRoot = new HashMap<>(settings);
            otherRoot.put("cgroup-root", host.cgroupRoot);
            try (DaemonProcess refused = DaemonProcess.kukeond(dataDir, otherRoot)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, refused::start);
                assertTrue(e.getMessage().contains("cgroup-root") && e.getMessage().contains("--cgroup-root " + root),
                        e.getMessage());
            }
        }
    }

    private static int workloadPid(DaemonProcess daemon) throws Exception {
        ObjectDoc cell = daemon.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build()).getObject();
        return cell.getStatus().getContainersList().stream().filter(c -> c.getName().equals("app"))
                .mapToInt(ContainerStatus::getPid).findFirst().orElseThrow();
    }

    private static int waitForReady(DaemonProcess daemon) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        ObjectDoc cell = null;
        while (Instant.now().isBefore(deadline)) {
            cell = daemon.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/c").build()).getObject();
            if (cell.getStatus().getState().equals("Ready")) {
                return workloadPid(daemon);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the cell is not Ready after the restart: " + cell);
    }

    /** /proc/PID/cgroup by controller list ("" for the unified hierarchy). */
    private static Map<String, String> cgroupsOf(int pid) throws Exception {
        Map<String, String> groups = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            for (String controller : f[1].split(",")) {
                groups.put(controller, f[2]);
            }
        }
        return groups;
    }
}
