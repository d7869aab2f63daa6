package io.kukeon.testing;

import io.kukeon.cgroup.CgroupDriverInfo;
import io.kukeon.cgroup.CgroupFailureException;
import io.kukeon.cgroup.CgroupManager;
import io.kukeon.model.CgroupPath;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.Resources;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory cgroup tree: which groups exist and with which limits. */
public final class FakeCgroups implements CgroupManager {
    private final Map<String, Resources> groups = new ConcurrentHashMap<>();
    private final Map<String, Integer> ensures = new ConcurrentHashMap<>();

    public Map<String, Resources> groups() {
        return Map.copyOf(groups);
    }

    /** How many times the group was ensured. */
    public int ensures(String group) {
        return ensures.getOrDefault(group, 0);
    }

    /** As after a reboot: the tree is gone. */
    public void wipe() {
        groups.clear();
    }

    @Override
    public CgroupDriverInfo info() {
        return new CgroupDriverInfo("fake", "/fake", List.of("cpu", "memory", "io", "pids"), "/kukeon");
    }

    /** Memory in use in every group: a lower memory limit is refused, as the kernel does (EBUSY). */
    private volatile long memoryInUse;

    public void memoryInUse(long bytes) {
        memoryInUse = bytes;
    }

    @Override
    public GroupStatus ensure(CgroupPath group, Resources resources, Delegation delegation) {
        ensures.merge(group.toString(), 1, Integer::sum);
        Long limit = resources.memoryMax();
        if (limit != null && limit < memoryInUse) {
            throw new CgroupFailureException("fake: cannot write " + limit + " to " + group
                    + "/memory.limit_in_bytes: Device or resource busy");
        }
        for (CgroupPath p = group.parent(); p != null; p = p.parent()) {
            groups.putIfAbsent(p.toString(), Resources.NONE);
        }
        groups.put(group.toString(), resources);
        return new GroupStatus(group.toString(), true, List.of("cpu", "memory", "io", "pids"), List.of(), null);
    }

    @Override
    public boolean exists(CgroupPath group) {
        return groups.containsKey(group.toString());
    }

    @Override
    public GroupStatus.Usage usage(CgroupPath group) {
        return groups.containsKey(group.toString()) ? new GroupStatus.Usage(4096L, 10L, 1L, 0L) : null;
    }

    @Override
    public void delete(CgroupPath group) {
        groups.keySet().removeIf(k -> k.equals(group.toString()) || k.startsWith(group + "/"));
    }
}
