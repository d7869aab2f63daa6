package io.kukeon.cgroup;

import io.kukeon.model.CgroupPath;
import io.kukeon.model.HostIds;

import java.nio.file.Path;

/**
 * What a driver is configured with.
 *
 * @param root       the group below the mountpoint that holds everything we create (default {@code kukeon}), one
 *                   name or a path of names; a leading {@code /} is accepted, {@code /} itself and the empty name are refused
 * @param mountpoint overrides detection: a cgroup2 mountpoint, the directory holding the v1 hierarchies,
 *                   or a plain directory standing in for either (tests); null to detect from the mount table
 */
public record CgroupSettings(String root, Path mountpoint) {
    public CgroupSettings {
        // the rule HostIds applies, so the two can never disagree on a root
        root = new HostIds(root, HostIds.DEFAULT_NAMESPACE_SUFFIX).cgroupRoot();
    }

    public static CgroupSettings defaults() {
        return new CgroupSettings(HostIds.DEFAULT_CGROUP_ROOT, null);
    }

    CgroupPath rootPath() {
        return CgroupPath.parse(root);
    }
}
