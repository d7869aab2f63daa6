package io.kukeon.daemon;

import io.kukeon.cgroup.CgroupManager;
import io.kukeon.network.EgressFirewall;
import io.kukeon.network.SpaceNetworks;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.secrets.SecretStaging;

import java.util.Map;

/** Builds the ports from the configuration: the real ones in kukeond, small fakes in tests. */
public interface PortsFactory {
    ContainerRuntime runtime(DaemonConfig config);

    CgroupManager cgroups(DaemonConfig config);

    SpaceNetworks networks(DaemonConfig config);

    EgressFirewall egress(DaemonConfig config);

    /** Where containers' {@code secrets[]} come from and their files go: {@code fromEnv} reads {@link #environment()}. */
    default SecretStaging secrets(DaemonConfig config) {
        return new SecretStaging(config.secretsDir(), config.dataDir().toString(), environment());
    }

    /** kukeond's environment, where a container's {@code secrets[].fromEnv} looks. */
    default Map<String, String> environment() {
        return System.getenv();
    }
}
