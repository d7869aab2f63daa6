package io.kukeon.cgroup;

import java.util.List;

/** Picks the driver for this host's layout (or for the overriding mountpoint). */
public final class CgroupDrivers {
    private CgroupDrivers() {}

    public static CgroupManager open(CgroupSettings settings) {
        return open(settings, MountInfo.read());
    }

    static CgroupManager open(CgroupSettings settings, List<MountInfo.Mount> mounts) {
        CgroupLayout layout = CgroupLayout.detect(mounts, settings.mountpoint());
        return layout.mode() == CgroupLayout.Mode.V2
                ? new CgroupV2Driver(layout.unified(), settings)
                : new CgroupV1Driver(layout, settings);
    }

    /** The layout {@link #open} would use, for diagnostics ({@code kuke doctor}). */
    public static CgroupLayout layout(CgroupSettings settings) {
        return CgroupLayout.detect(MountInfo.read(), settings.mountpoint());
    }
}
