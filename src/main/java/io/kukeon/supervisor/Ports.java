package io.kukeon.supervisor;

import io.kukeon.cgroup.CgroupManager;
import io.kukeon.model.HostIds;
import io.kukeon.network.EgressFirewall;
import io.kukeon.network.SpaceNetworks;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.secrets.SecretStaging;
import io.kukeon.volumes.VolumeDirectories;

/**
 * What every actor of the tree is built with: the ports to the host (containerd, the cgroups,
 * the spaces' networks and their egress rules), the naming rules of this host, the in-memory view it keeps
 * current, the tunables, the pull slots all its containers share, where their secrets come from,
 * the Secrets the scopes hold, the Volumes they hold with where their directories are, their cell templates,
 * and the gate that holds back restarts until this node may run its cells.
 */
public record Ports(ContainerRuntime runtime, CgroupManager cgroups, SpaceNetworks networks,
                    EgressFirewall egress, HostIds ids,
                    ObjectIndex index, TreeSettings settings, PullSlots pullSlots, SecretStaging secrets,
                    SecretIndex storedSecrets, VolumeIndex storedVolumes, VolumeDirectories volumeDirectories,
                    TemplateIndex templates, RestartGate restarts) {}
