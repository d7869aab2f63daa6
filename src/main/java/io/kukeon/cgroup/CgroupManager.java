package io.kukeon.cgroup;

import io.kukeon.model.CgroupPath;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.Resources;

/**
 * The port to the host's cgroup tree. Every method blocks and is idempotent. Implementations
 * refuse any path outside their configured root.
 */
public interface CgroupManager {

    /** Which driver runs (v2, v1 on a hybrid host, v1), where it is mounted, what it offers. */
    CgroupDriverInfo info();

    /**
     * Creates the group and any missing ancestor below the root, delegates the controllers it
     * needs, and writes the limits (re-writing them when they changed). Limits the driver cannot
     * express here are returned in {@link GroupStatus#notApplied()}, never silently dropped.
     */
    default GroupStatus ensure(CgroupPath group, Resources resources) {
        return ensure(group, resources, Delegation.NEEDED);
    }

    /** As {@link #ensure(CgroupPath, Resources)}, delegating to the group's subtree as {@code delegation} says. */
    GroupStatus ensure(CgroupPath group, Resources resources, Delegation delegation);

    /** Which controllers a group's subtree may use. */
    enum Delegation {
        /** Those kukeond writes limits with (cgroup v2: cpu, io, memory, pids; cpuset when asked). */
        NEEDED,
        /**
         * Every controller the host offers: for a cgroup manager running below the group (a nested
         * runtime, systemd). On cgroup v1 every hierarchy is a subtree of its own already.
         */
        ALL
    }

    boolean exists(CgroupPath group);

    /** Live usage of the group; null fields where the host does not offer them. */
    GroupStatus.Usage usage(CgroupPath group);

    /** Kills what still runs in the group's subtree and removes it bottom-up. Missing is fine. */
    void delete(CgroupPath group);
}
