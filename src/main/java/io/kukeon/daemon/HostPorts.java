package io.kukeon.daemon;

import io.kukeon.cgroup.CgroupDrivers;
import io.kukeon.cgroup.CgroupManager;
import io.kukeon.cgroup.CgroupSettings;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.containerd.ContainerdConfig;
import io.kukeon.runtime.containerd.ContainerdRuntime;

import java.util.Set;

/** The real ports: containerd over its unix socket, and the cgroup driver this host's layout calls for. */
public final class HostPorts implements PortsFactory {
    @Override
    public ContainerRuntime runtime(DaemonConfig config) {
        return new ContainerdRuntime(config.containerdSocket(),
                ContainerdConfig.defaults().withInsecureRegistries(Set.copyOf(config.insecureRegistries()))
                        .withRegistryTimeouts(config.registryConnectTimeout(), config.registryStallTimeout()));
    }

    @Override
    public CgroupManager cgroups(DaemonConfig config) {
        return CgroupDrivers.open(new CgroupSettings(config.ids().cgroupRoot(), config.cgroupMountpoint()));
    }
}
