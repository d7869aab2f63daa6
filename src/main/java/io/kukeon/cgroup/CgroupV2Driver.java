package io.kukeon.cgroup;

import io.kukeon.model.CgroupPath;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.Resources;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The driver for one cgroup2 hierarchy (a pure v2 host, or a plain directory standing in for one). */
public final class CgroupV2Driver implements CgroupManager {
    private final ConfinedHierarchy hierarchy;
    private final CgroupSettings settings;

    CgroupV2Driver(Path mountpoint, CgroupSettings settings) {
        this.settings = settings;
        this.hierarchy = new ConfinedHierarchy(mountpoint, settings.rootPath());
    }

    @Override
    public CgroupDriverInfo info() {
        Set<String> offered = SubtreeDelegation.parse(hierarchy.readMountFile("cgroup.controllers"));
        return new CgroupDriverInfo(CgroupLayout.Mode.V2.driverName, hierarchy.mount().toString(),
                List.copyOf(offered), settings.rootPath().toString());
    }

    @Override
    public GroupStatus ensure(CgroupPath group, Resources resources, Delegation subtree) {
        Resources r = Resources.orNone(resources);
        r.validate("resources");
        hierarchy.createDirs(group);
        Set<String> wanted = new TreeSet<>(subtree == Delegation.ALL
                ? SubtreeDelegation.parse(hierarchy.readMountFile("cgroup.controllers")) : SubtreeDelegation.ALWAYS);
        Resources.Cpu cpu = r.effective().cpu();
        if (cpu != null && (cpu.cpus() != null || cpu.mems() != null)) {
            wanted.add("cpuset");
        }
        SubtreeDelegation.Result delegation = SubtreeDelegation.delegate(hierarchy, group, wanted);
        GroupView view = new View(group, delegation.available(), delegation.missing());
        LimitPlan plan = V2Limits.plan(r, view);
        LimitWriter.apply(view, plan);
        return new GroupStatus(group.toString(), true, List.copyOf(delegation.available()), plan.notApplied(), null);
    }

    @Override
    public boolean exists(CgroupPath group) {
        return hierarchy.exists(group);
    }

    @Override
    public GroupStatus.Usage usage(CgroupPath group) {
        if (!hierarchy.exists(group)) {
            return new GroupStatus.Usage(null, null, null, null);
        }
        BlockIo io = BlockIo.v2(hierarchy.read(group, "io.stat"));
        return new GroupStatus.Usage(
                FlatKeyed.number(hierarchy.read(group, "memory.current")),
                FlatKeyed.get(hierarchy.read(group, "cpu.stat"), "usage_usec"),
                FlatKeyed.number(hierarchy.read(group, "pids.current")),
                FlatKeyed.get(hierarchy.read(group, "memory.events"), "oom_kill"),
                FlatKeyed.number(hierarchy.read(group, "memory.max")),
                BlockIo.read(io), BlockIo.write(io));
    }

    @Override
    public void delete(CgroupPath group) {
        SubtreeRemoval.remove(List.of(hierarchy), null, group);
    }

    /** The group's files (its directory checked once), with the controllers its parent delegates to it. */
    private final class View implements GroupView {
        private final CgroupPath group;
        private final ConfinedHierarchy.CheckedGroup checked;
        private final Set<String> available;
        private final Map<String, String> missing;

        View(CgroupPath group, Set<String> available, Map<String, String> missing) {
            this.group = group;
            this.checked = hierarchy.checked(group);
            this.available = available;
            this.missing = missing;
        }

        @Override
        public String whyUnavailable(String controller) {
            if (available.contains(controller)) {
                return null;
            }
            return missing.getOrDefault(controller, "the " + controller + " controller is not enabled for " + group);
        }

        @Override
        public boolean has(String controller, String file) {
            return whyUnavailable(controller) == null && checked.has(file);
        }

        @Override
        public String read(String controller, String file) {
            return checked.read(file);
        }

        @Override
        public String readParent(String controller, String file) {
            return hierarchy.read(group.parent(), file);
        }

        @Override
        public void write(String controller, String file, String value) throws IOException {
            checked.write(file, value);
        }

        @Override
        public Path path(String controller, String file) {
            return checked.file(file);
        }
    }
}
