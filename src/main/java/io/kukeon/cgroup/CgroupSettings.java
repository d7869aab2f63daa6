package io.kukeon.cgroup;

import io.kukeon.model.CgroupPath;
import io.kukeon.model.HostIds;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Names;

import java.nio.file.Path;
import java.util.List;

/**
 * What a driver is configured with.
 *
 * @param root       the one group below the mountpoint that holds everything we create (default {@code kukeon});
 *                   a leading {@code /} is accepted, {@code /} itself and the empty name are refused
 * @param mountpoint overrides detection: a cgroup2 mountpoint, the directory holding the v1 hierarchies,
 *                   or a plain directory standing in for either (tests); null to detect from the mount table
 */
public record CgroupSettings(String root, Path mountpoint) {
    public CgroupSettings {
        String r = root == null ? "" : root.startsWith("/") ? root.substring(1) : root;
        if (r.isEmpty() || r.contains("/")) {
            throw new InvalidArgumentException("cgroupRoot", "\"" + Names.printable(String.valueOf(root))
                    + "\" must be one group name below the mountpoint, e.g. kukeon (never / or empty)");
        }
        // the same rule HostIds applies, so the two can never disagree on a root
        root = new HostIds(r, HostIds.DEFAULT_NAMESPACE_SUFFIX).cgroupRoot();
    }

    public static CgroupSettings defaults() {
        return new CgroupSettings(HostIds.DEFAULT_CGROUP_ROOT, null);
    }

    CgroupPath rootPath() {
        return new CgroupPath(List.of(root));
    }
}
