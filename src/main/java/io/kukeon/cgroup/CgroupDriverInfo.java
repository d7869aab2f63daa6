package io.kukeon.cgroup;

import java.util.List;

/**
 * @param driver      {@code v2}, {@code v1-hybrid} or {@code v1}
 * @param mountpoint  where the hierarchy (or the v1 controller hierarchies) are mounted
 * @param controllers controllers available for our groups
 * @param root        our root group, e.g. {@code /kukeon}
 */
public record CgroupDriverInfo(String driver, String mountpoint, List<String> controllers, String root) {
    public CgroupDriverInfo {
        controllers = controllers == null ? List.of() : List.copyOf(controllers);
    }
}
