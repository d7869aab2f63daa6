package io.kukeon.cgroup;

import io.kukeon.model.CgroupPath;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.Resources;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The driver for v1 controller hierarchies (a legacy host) plus the controller-less cgroup2 one of a
 * hybrid host. A group exists in every hierarchy we use, as runc places a container in all of them;
 * delete removes it from every mounted one, because runc leaves the levels above its leaf behind.
 */
public final class CgroupV1Driver implements CgroupManager {
    /** The hierarchies our groups are created in, when mounted. */
    static final List<String> CREATED_IN = List.of("cpu", "cpuacct", "cpuset", "memory", "blkio", "pids",
            "devices", "freezer", "name=systemd");

    private final CgroupLayout layout;
    private final CgroupSettings settings;
    private final Map<String, ConfinedHierarchy> byController = new LinkedHashMap<>();
    private final List<ConfinedHierarchy> used = new ArrayList<>();
    private final List<ConfinedHierarchy> mounted = new ArrayList<>();

    CgroupV1Driver(CgroupLayout layout, CgroupSettings settings) {
        this.layout = layout;
        this.settings = settings;
        for (CgroupLayout.V1Hierarchy h : layout.v1()) {
            ConfinedHierarchy confined = new ConfinedHierarchy(h.mountpoint(), settings.rootPath());
            mounted.add(confined);
            h.controllers().forEach(c -> byController.put(c, confined));
            if (h.controllers().stream().anyMatch(CREATED_IN::contains)) {
                used.add(confined);
            }
        }
        if (layout.unified() != null) {
            ConfinedHierarchy unified = new ConfinedHierarchy(layout.unified(), settings.rootPath());
            mounted.add(unified);
            used.add(unified);
        }
    }

    @Override
    public CgroupDriverInfo info() {
        Path first = layout.v1().get(0).mountpoint();
        return new CgroupDriverInfo(layout.mode().driverName, String.valueOf(first.getParent()), controllers(),
                settings.rootPath().toString());
    }

    @Override
    public GroupStatus ensure(CgroupPath group, Resources resources, Delegation delegation) {
        Resources r = Resources.orNone(resources);
        r.validate("resources");
        for (ConfinedHierarchy h : used) {
            h.createDirs(group);
        }
        fillCpusets(group);
        GroupView view = new View(group);
        LimitPlan plan = V1Limits.plan(r, view);
        LimitWriter.apply(view, plan);
        return new GroupStatus(group.toString(), true, controllers(), plan.notApplied(), null);
    }

    /**
     * A new v1 cpuset group starts with empty cpus and mems, and nothing can join it then (ENOSPC):
     * every level from our root down gets its parent's where it has none.
     */
    private void fillCpusets(CgroupPath group) {
        ConfinedHierarchy cpuset = byController.get("cpuset");
        if (cpuset == null) {
            return;
        }
        // v1 keeps a child's cpus and mems within its parent's (it refuses to shrink a parent below a
        // child): a group that has both has ancestors that have them too, the case at every recovery
        ConfinedHierarchy.CheckedGroup leaf = cpuset.checked(group);
        if (leaf.exists() && filled(leaf.read("cpuset.mems")) && filled(leaf.read("cpuset.cpus"))) {
            return;
        }
        List<CgroupPath> levels = new ArrayList<>();
        for (CgroupPath g = group; g != null; g = g.parent()) {
            levels.add(0, g);
        }
        for (CgroupPath level : levels) {
            GroupView view = new View(level);
            for (String file : List.of("cpuset.mems", "cpuset.cpus")) {
                String current = cpuset.read(level, file);
                if (!filled(current)) {
                    String inherited = V1Limits.inherited(view, file);
                    try {
                        cpuset.write(level, file, inherited);
                    } catch (IOException e) {
                        throw new CgroupFailureException("cannot copy " + file + " = " + inherited + " into "
                                + cpuset.file(level, file) + ": " + ConfinedHierarchy.reason(e), e);
                    }
                }
            }
        }
    }

    private static boolean filled(String cpusetValue) {
        return cpusetValue != null && !cpusetValue.isBlank();
    }

    @Override
    public boolean exists(CgroupPath group) {
        return used.stream().allMatch(h -> h.exists(group));
    }

    @Override
    public GroupStatus.Usage usage(CgroupPath group) {
        View v = new View(group);
        Long cpuNanos = FlatKeyed.number(v.read("cpuacct", "cpuacct.usage"));
        Long memoryLimit = FlatKeyed.number(v.read("memory", "memory.limit_in_bytes"));
        // the throttle file counts every bio, whichever I/O scheduler the device uses (CFQ's only its own)
        BlockIo io = BlockIo.v1(v.read("blkio", "blkio.throttle.io_service_bytes_recursive"));
        return new GroupStatus.Usage(
                FlatKeyed.number(v.read("memory", "memory.usage_in_bytes")),
                cpuNanos == null ? null : cpuNanos / 1000,
                FlatKeyed.number(v.read("pids", "pids.current")),
                oomKills(group),
                memoryLimit == null ? null : GroupStatus.Usage.memoryLimit(memoryLimit),
                BlockIo.read(io), BlockIo.write(io));
    }

    /**
     * v1 counts an OOM kill only in the group whose limit was hit (v2's memory.events counts the
     * subtree): sum the subtree so a cell shows its containers' kills on either driver.
     */
    private Long oomKills(CgroupPath group) {
        ConfinedHierarchy memory = byController.get("memory");
        if (memory == null || !memory.exists(group)) {
            return null;
        }
        Long total = null;
        for (CgroupPath g : memory.subtree(group)) {
            Long kills = FlatKeyed.get(memory.read(g, "memory.oom_control"), "oom_kill");
            if (kills != null) {
                total = (total == null ? 0 : total) + kills;
            }
        }
        return total;
    }

    @Override
    public void delete(CgroupPath group) {
        SubtreeRemoval.remove(mounted, byController.get("freezer"), group);
    }

    private List<String> controllers() {
        TreeSet<String> out = new TreeSet<>();
        byController.forEach((c, h) -> {
            if (CgroupLayout.V1_CONTROLLERS.contains(c) && used.contains(h)) {
                out.add(c);
            }
        });
        return List.copyOf(out);
    }

    /** The group's files across hierarchies, by controller; its directory in each checked once (see {@link ConfinedHierarchy#checked}). */
    private final class View implements GroupView {
        private final CgroupPath group;
        private final Map<ConfinedHierarchy, ConfinedHierarchy.CheckedGroup> checked = new HashMap<>();

        View(CgroupPath group) {
            this.group = group;
        }

        @Override
        public String whyUnavailable(String controller) {
            return byController.containsKey(controller) ? null
                    : "this host does not mount the cgroup v1 " + controller + " hierarchy";
        }

        @Override
        public boolean has(String controller, String file) {
            ConfinedHierarchy.CheckedGroup g = existing(controller);
            return g != null && g.has(file);
        }

        @Override
        public String read(String controller, String file) {
            ConfinedHierarchy.CheckedGroup g = existing(controller);
            return g == null ? null : g.read(file);
        }

        @Override
        public String readParent(String controller, String file) {
            ConfinedHierarchy h = byController.get(controller);
            if (h == null) {
                return null;
            }
            return h.read(group.parent(), file);
        }

        @Override
        public void write(String controller, String file, String value) throws IOException {
            in(hierarchy(controller)).write(file, value);
        }

        @Override
        public Path path(String controller, String file) {
            return in(hierarchy(controller)).file(file);
        }

        /** The group in the controller's hierarchy, or null when the host lacks it or the group is not there. */
        private ConfinedHierarchy.CheckedGroup existing(String controller) {
            ConfinedHierarchy h = byController.get(controller);
            if (h == null) {
                return null;
            }
            ConfinedHierarchy.CheckedGroup g = in(h);
            return g.exists() ? g : null;
        }

        private ConfinedHierarchy.CheckedGroup in(ConfinedHierarchy h) {
            return checked.computeIfAbsent(h, x -> x.checked(group));
        }

        private ConfinedHierarchy hierarchy(String controller) {
            ConfinedHierarchy h = byController.get(controller);
            if (h == null) {
                throw new IllegalStateException("no " + controller + " hierarchy; the plan should not have used it");
            }
            return h;
        }
    }
}
