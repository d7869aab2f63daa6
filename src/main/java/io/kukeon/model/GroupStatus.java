package io.kukeon.model;

import java.util.List;

/**
 * What a level's cgroup looks like on this host.
 *
 * @param path        the group, e.g. {@code /kukeon/default}
 * @param ready       the group exists
 * @param controllers controllers enabled for the group, i.e. delegated to it (v2: its parent's
 *                    {@code cgroup.subtree_control}; v1: the hierarchies it was created in)
 * @param notApplied  limits this host's driver could not express, each with the reason
 * @param usage       live usage, when it was read
 */
public record GroupStatus(String path, boolean ready, List<String> controllers, List<NotApplied> notApplied, Usage usage) {
    public GroupStatus {
        controllers = controllers == null ? List.of() : List.copyOf(controllers);
        notApplied = notApplied == null ? List.of() : List.copyOf(notApplied);
    }

    public static GroupStatus missing(String path) {
        return new GroupStatus(path, false, List.of(), List.of(), null);
    }

    public GroupStatus withUsage(Usage u) {
        return new GroupStatus(path, ready, controllers, notApplied, u);
    }

    /** A limit that was asked for but could not be applied here, e.g. {@code memory.min} on cgroup v1. */
    public record NotApplied(String field, String reason) {}

    /**
     * Live figures of a group; null where the host does not offer them.
     *
     * @param memoryLimitBytes the group's own memory limit; null when it has none
     * @param blockReadBytes   bytes read from block devices, summed over devices
     * @param blockWriteBytes  bytes written to block devices, summed over devices
     */
    public record Usage(Long memoryBytes, Long cpuMicros, Long pids, Long oomKills, Long memoryLimitBytes,
                        Long blockReadBytes, Long blockWriteBytes) {
        /** The figures every host offers, for callers that read nothing else. */
        public Usage(Long memoryBytes, Long cpuMicros, Long pids, Long oomKills) {
            this(memoryBytes, cpuMicros, pids, oomKills, null, null, null);
        }

        /**
         * A memory limit as the kernel reports it: "no limit" reads as a number near 2^63 on v1
         * (and 2^64 - 1, negative as a long, from containerd on v2), so both become null.
         */
        public static Long memoryLimit(long reported) {
            return reported <= 0 || reported >= 1L << 62 ? null : reported;
        }
    }
}
