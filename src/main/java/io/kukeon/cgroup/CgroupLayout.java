package io.kukeon.cgroup;

import io.kukeon.model.InvalidArgumentException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * How cgroups are mounted on this host.
 *
 * @param mode    {@link Mode#V2}: one cgroup2 hierarchy; {@link Mode#HYBRID}: v1 controller hierarchies plus
 *                a controller-less cgroup2 one ({@code /sys/fs/cgroup/unified}); {@link Mode#V1}: v1 only
 * @param unified the cgroup2 mountpoint, null in {@link Mode#V1}
 * @param v1      the v1 hierarchies, empty in {@link Mode#V2}
 */
public record CgroupLayout(Mode mode, Path unified, List<V1Hierarchy> v1) {

    public enum Mode {
        V2("v2"), HYBRID("v1-hybrid"), V1("v1");

        final String driverName;

        Mode(String driverName) {
            this.driverName = driverName;
        }
    }

    /** One mounted v1 hierarchy and the controllers bound to it ({@code name=systemd} for a named one). */
    public record V1Hierarchy(Path mountpoint, Set<String> controllers) {
        public V1Hierarchy {
            controllers = Set.copyOf(controllers);
        }
    }

    static final Set<String> V1_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer",
            "net_cls", "net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc", "debug");

    public CgroupLayout {
        v1 = List.copyOf(v1);
    }

    /** The layout from the mount table, or from {@code override} (a mountpoint or a plain directory standing in for one). */
    static CgroupLayout detect(List<MountInfo.Mount> mounts, Path override) {
        if (override == null) {
            return fromMounts(mounts, "/proc/self/mountinfo");
        }
        Path at = override.toAbsolutePath().normalize();
        if (!Files.isDirectory(at)) {
            throw new InvalidArgumentException("mountpoint", at + " is not a directory");
        }
        for (MountInfo.Mount m : mounts) {
            if (m.mountpoint().equals(at) && m.isV2()) {
                return new CgroupLayout(Mode.V2, at, List.of());
            }
        }
        List<MountInfo.Mount> below = mounts.stream().filter(m -> at.equals(m.mountpoint().getParent())).toList();
        if (!below.isEmpty()) {
            return fromMounts(below, "the mounts below " + at);
        }
        return fromDirectory(at);
    }

    private static CgroupLayout fromMounts(List<MountInfo.Mount> mounts, String source) {
        List<V1Hierarchy> v1 = new ArrayList<>();
        Path unified = null;
        for (MountInfo.Mount m : mounts) {
            if (m.isV2() && unified == null) {
                unified = m.mountpoint();
            } else if (m.isV1()) {
                Set<String> controllers = new TreeSet<>();
                for (String o : m.options()) {
                    if (V1_CONTROLLERS.contains(o) || o.startsWith("name=")) {
                        controllers.add(o);
                    }
                }
                // a hierarchy bound twice (bind mounts) is used through its first mountpoint
                if (!controllers.isEmpty() && v1.stream().noneMatch(h -> h.controllers().equals(controllers))) {
                    v1.add(new V1Hierarchy(m.mountpoint(), controllers));
                }
            }
        }
        return choose(unified, v1, source);
    }

    /** A plain directory (a test's fake tree): cgroup2 if it has {@code cgroup.controllers}, else v1 subdirectories. */
    private static CgroupLayout fromDirectory(Path at) {
        if (Files.isRegularFile(at.resolve("cgroup.controllers"))) {
            return new CgroupLayout(Mode.V2, at, List.of());
        }
        List<V1Hierarchy> v1 = new ArrayList<>();
        Path unified = null;
        try (Stream<Path> dirs = Files.list(at)) {
            for (Path d : dirs.sorted().toList()) {
                if (Files.isRegularFile(d.resolve("cgroup.controllers"))) {
                    unified = d;
                } else if (Files.isRegularFile(d.resolve("cgroup.procs"))) {
                    String name = d.getFileName().toString();
                    Set<String> controllers = new LinkedHashSet<>(Arrays.asList(name.split(",")));
                    if (controllers.stream().noneMatch(V1_CONTROLLERS::contains)) {
                        controllers = Set.of("name=" + name);
                    }
                    v1.add(new V1Hierarchy(d, controllers));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + at, e);
        }
        return choose(unified, v1, at.toString());
    }

    private static CgroupLayout choose(Path unified, List<V1Hierarchy> v1, String source) {
        boolean v1Controllers = v1.stream().anyMatch(h -> h.controllers().stream().anyMatch(V1_CONTROLLERS::contains));
        if (v1Controllers) {
            return new CgroupLayout(unified == null ? Mode.V1 : Mode.HYBRID, unified, v1);
        }
        if (unified != null) {
            return new CgroupLayout(Mode.V2, unified, List.of());
        }
        throw new CgroupFailureException("no cgroup hierarchy found in " + source);
    }

    /** The hierarchy a v1 controller is bound to, or null when the host has not mounted it. */
    V1Hierarchy hierarchyOf(String controller) {
        return v1.stream().filter(h -> h.controllers().contains(controller)).findFirst().orElse(null);
    }
}
