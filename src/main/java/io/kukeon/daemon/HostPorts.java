package io.kukeon.daemon;

import io.kukeon.cgroup.CgroupDrivers;
import io.kukeon.cgroup.CgroupManager;
import io.kukeon.cgroup.CgroupSettings;
import io.kukeon.network.CniPluginRuntime;
import io.kukeon.network.CniPlugins;
import io.kukeon.network.CniSpaceNetworks;
import io.kukeon.network.EgressFirewall;
import io.kukeon.network.HostCommand;
import io.kukeon.network.HostResolver;
import io.kukeon.network.IptablesEgressFirewall;
import io.kukeon.network.NetworkSettings;
import io.kukeon.network.SpaceNetworks;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.containerd.ContainerdConfig;
import io.kukeon.runtime.containerd.ContainerdRuntime;
import io.kukeon.runtime.containerd.TaskLog;

import java.nio.file.Path;
import java.util.Set;

/**
 * The real ports: containerd over its unix socket (tasks logging through {@code kukeon-logger}), the cgroup driver this host's layout calls for,
 * the CNI plugins for the spaces' networks and iptables for their egress rules, both in kukeond's
 * {@code network-namespace}.
 */
public final class HostPorts implements PortsFactory {
    /** Refuses to start without the task logger: no container could be started. */
    @Override
    public ContainerRuntime runtime(DaemonConfig config) {
        return new ContainerdRuntime(config.containerdSocket(),
                ContainerdConfig.defaults().withInsecureRegistries(Set.copyOf(config.insecureRegistries()))
                        .withRegistryTimeouts(config.registryConnectTimeout(), config.registryStallTimeout())
                        .withLogger(TaskLog.requireRunnable(config.logger()))
                        .withAttachDir(config.dataDir().resolve(DaemonConfig.ATTACH_DIR)));
    }

    @Override
    public CgroupManager cgroups(DaemonConfig config) {
        return CgroupDrivers.open(new CgroupSettings(config.ids().cgroupRoot(), config.cgroupMountpoint()));
    }

    @Override
    public SpaceNetworks networks(DaemonConfig config) {
        NetworkSettings n = config.network();
        HostCommand host = new HostCommand(n.namespace(), n.pluginTimeout());
        Path dir = config.dataDir().resolve("network");
        CniPlugins plugins = new CniPlugins(n.pluginPath(), host);
        return new CniSpaceNetworks(new CniPluginRuntime(plugins, dir.resolve("cache")), plugins, host, n.pool(), n.dns(), dir);
    }

    /** iptables runs and host lookups are bounded by {@code cni-timeout}, as every host tool kukeond runs. */
    @Override
    public EgressFirewall egress(DaemonConfig config) {
        NetworkSettings n = config.network();
        return new IptablesEgressFirewall(new HostCommand(n.namespace(), n.pluginTimeout()), HostResolver.system(n.pluginTimeout()));
    }
}
