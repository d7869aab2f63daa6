package io.kukeon.daemon;

import io.kukeon.cgroup.CgroupManager;
import io.kukeon.network.EgressFirewall;
import io.kukeon.network.SpaceNetworks;
import io.kukeon.runtime.ContainerRuntime;

/** Builds the ports from the configuration: the real ones in kukeond, small fakes in tests. */
public interface PortsFactory {
    ContainerRuntime runtime(DaemonConfig config);

    CgroupManager cgroups(DaemonConfig config);

    SpaceNetworks networks(DaemonConfig config);

    EgressFirewall egress(DaemonConfig config);
}
