package io.kukeon.network;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * kukeond's network settings.
 *
 * @param pool          the pod subnet spaces take their {@code /24}s from ({@code pod-subnet})
 * @param pluginPath    where CNI plugins are looked for, first match wins ({@code cni-plugin-path})
 * @param pluginTimeout the longest one plugin or {@code ip} run may take before it is killed ({@code cni-timeout})
 * @param namespace     the network namespace bridges are made in and plugins run in, or null for kukeond's
 *                      own ({@code network-namespace}: tests give one of their own)
 * @param dns           the name servers of the cells' resolv.conf instead of the host's (empty: the host's; {@code dns})
 */
public record NetworkSettings(SubnetPool pool, List<Path> pluginPath, Duration pluginTimeout, Path namespace,
                              List<String> dns) {
    public NetworkSettings {
        pluginPath = List.copyOf(pluginPath);
        dns = List.copyOf(dns);
    }
}
