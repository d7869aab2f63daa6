package io.kukeon.supervisor.tree;

import io.kukeon.supervisor.TreeCommand;

/**
 * Sent from the host down the whole tree: after containerd came back or went away, and
 * periodically, so that every level reconciles what it owns with what the host actually holds.
 *
 * @param reprovision      re-ensure cgroups and namespaces (a containerd restart or a reboot may have lost them)
 * @param runtimeAvailable whether containerd answers; while it does not, containers show Unknown
 */
public record Broadcast(boolean reprovision, boolean runtimeAvailable) implements TreeCommand {}
