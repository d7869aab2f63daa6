package io.kukeon.storm;

import io.kukeon.runtime.ObservedContainer;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.wire.v1.ObjectDoc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The storm's invariant over a fleet, checked on a settled {@link FleetObservation}:
 * <ol>
 * <li>the clients' answers hold for the fleet as one: {@link StormInvariant#acknowledged} on every
 *     member's objects together (a scope counts as present when any node holds it: each node keeps
 *     its own realms, spaces and stacks yet);</li>
 * <li>every listed object names members (a scope that several hold: each of them, in one row), and a
 *     cell (with its containers) is on exactly one node;</li>
 * <li>each member's objects and its host agree: {@link StormInvariant#onHost} per node;</li>
 * <li>a container is in containerd on one host only, and so runs once in the fleet.</li>
 * </ol>
 */
final class FleetInvariant {
    private FleetInvariant() {}

    /** @param cgroupRoots member name → the cgroup root of its host */
    static List<String> check(Expectations model, FleetObservation seen, Map<String, String> cgroupRoots) {
        List<String> out = new ArrayList<>(StormInvariant.acknowledged(model, seen.merged()));
        Map<String, Set<String>> nodesOf = new TreeMap<>();
        for (ObjectDoc d : seen.listed()) {
            for (String node : FleetObservation.holders(d)) {
                if (!cgroupRoots.containsKey(node)) {
                    out.add(d.getKind() + " " + d.getPath() + " is listed on \"" + node + "\", which is no member");
                }
                if (d.getKind().equals("Cell") || d.getKind().equals("Container")) {
                    nodesOf.computeIfAbsent(d.getKind() + " " + d.getPath(), k -> new TreeSet<>()).add(node);
                }
            }
        }
        nodesOf.forEach((object, nodes) -> {
            if (nodes.size() > 1) {
                out.add(object + " exists on " + nodes.size() + " nodes: " + String.join(", ", nodes));
            }
        });
        seen.byNode().forEach((node, slice) ->
                StormInvariant.onHost(slice, cgroupRoots.get(node)).forEach(line -> out.add("node " + node + ": " + line)));
        Map<String, Set<String>> hostsOf = new TreeMap<>();
        Map<String, Set<String>> runningOn = new TreeMap<>();
        seen.byNode().forEach((node, slice) -> slice.containerd().forEach((realm, records) -> {
            for (ObservedContainer c : records) {
                hostsOf.computeIfAbsent(realm + "/" + c.containerdId(), k -> new TreeSet<>()).add(node);
                if (c.task().status() == TaskInfo.Status.RUNNING) {
                    runningOn.computeIfAbsent(realm + "/" + c.containerdId(), k -> new TreeSet<>()).add(node);
                }
            }
        }));
        hostsOf.forEach((container, nodes) -> {
            if (nodes.size() > 1) {
                Set<String> running = runningOn.getOrDefault(container, Set.of());
                out.add("containerd holds " + container + " on the hosts of " + String.join(", ", nodes)
                        + (running.isEmpty() ? "" : "; its task runs on " + String.join(", ", running)));
            }
        });
        return out;
    }
}
