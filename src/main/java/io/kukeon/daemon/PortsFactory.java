package io.kukeon.daemon;

import io.kukeon.cgroup.CgroupManager;
import io.kukeon.runtime.ContainerRuntime;

/** Builds the two ports from the configuration: the real ones in kukeond, small fakes in tests. */
public interface PortsFactory {
    ContainerRuntime runtime(DaemonConfig config);

    CgroupManager cgroups(DaemonConfig config);
}
