package io.kukeon.runtime.containerd;

import io.kukeon.model.CgroupPath;
import io.kukeon.model.Resources;
import io.kukeon.runtime.ContainerLogDir;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.LogTarget;
import io.kukeon.runtime.ImageInfo;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.testing.RealComponents;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One test's share of the real containerd: its own namespace and its own cgroup root
 * {@code /kukeon-test-<random>}, both removed on close, with a runtime and the raw service
 * wrappers to check what containerd itself holds.
 */
final class ContainerdTestBed implements AutoCloseable {
    static final String BUSYBOX = "docker.io/library/busybox:latest";
    /** The realm whose label the bed's namespace carries. */
    static final String REALM = "test";

    final Path socket;
    final String id = UUID.randomUUID().toString().substring(0, 8);
    final String namespace = "kukeon-test-" + id;
    final String cgroupRoot = RealComponents.cgroupRoot(id);
    final Path dir;
    final ContainerdRuntime runtime;
    final ContainerdConnection raw;
    final Images images;
    final Containers containers;
    final Tasks tasks;
    final Snapshots snapshots;

    private ContainerdTestBed(Path socket) throws IOException {
        this.socket = socket;
        this.dir = Files.createTempDirectory("kukeon-test-" + id);
        this.runtime = new ContainerdRuntime(socket, ContainerdConfig.defaults());
        this.raw = new ContainerdConnection(socket, ContainerdConfig.defaults());
        this.images = new Images(raw);
        this.containers = new Containers(raw);
        this.tasks = new Tasks(raw);
        this.snapshots = new Snapshots(raw);
    }

    /** Fails when no containerd socket is configured. */
    static ContainerdTestBed open() throws IOException {
        ContainerdTestBed bed = new ContainerdTestBed(RealComponents.containerdSocket());
        bed.runtime.ensureNamespace(bed.namespace, REALM, false);
        return bed;
    }

    List<ImageInfo> loadBusybox() {
        return runtime.loadImage(namespace, RealComponents.busyboxArchive());
    }

    /** A container of cell {@code cell} running busybox with the given argv. */
    ContainerRequest request(String cell, String name, List<String> argv) {
        return request(cell, name, argv, Map.of(), Resources.NONE, null);
    }

    ContainerRequest request(String cell, String name, List<String> argv, Map<String, String> joins,
                             Resources resources, String user) {
        String containerdId = "sp_st_" + cell + "_" + name;
        Map<String, String> labels = Map.of("kukeon.io/realm", "test", "kukeon.io/space", "sp", "kukeon.io/stack", "st",
                "kukeon.io/cell", cell, "kukeon.io/container", name);
        return new ContainerRequest(namespace, containerdId, labels, BUSYBOX, argv.get(0), argv.subList(1, argv.size()),
                List.of("KUKEON_TEST=1"), null, user, cell, cgroup(cell, containerdId), resources, joins, cell);
    }

    CgroupPath cgroup(String cell, String containerdId) {
        return new CgroupPath(List.of(cgroupRoot, "sp", "st", cell, containerdId));
    }

    /** The container's log: the current run's file. */
    Path log(String containerdId) {
        return logTarget(containerdId).dir().current();
    }

    LogTarget logTarget(String containerdId) {
        return new LogTarget(new ContainerLogDir(dir.resolve(containerdId)), 10L * 1024 * 1024, 5);
    }

    /** Creates and starts; returns the running task. */
    TaskInfo run(ContainerRequest r) {
        runtime.ensureContainer(r);
        return runtime.startTask(namespace, r.containerdId(), logTarget(r.containerdId()));
    }

    @Override
    public void close() throws IOException {
        try {
            runtime.deleteNamespace(namespace, REALM);
        } finally {
            runtime.close();
            raw.close();
            removeCgroups();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** runc removes only the leaf cgroups; the levels above are ours to remove, in every hierarchy. */
    private void removeCgroups() throws IOException {
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                Path root = h.resolve(cgroupRoot);
                if (!Files.isDirectory(root)) {
                    continue;
                }
                try (Stream<Path> tree = Files.walk(root)) {
                    tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> {
                        try {
                            Files.delete(d);
                        } catch (IOException e) {
                            System.err.println("could not remove cgroup " + d + ": " + e);
                        }
                    });
                }
            }
        }
    }
}
