package io.kukeon.storm;

import io.kukeon.wire.v1.ObjectDoc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What exists in a fleet, in one look: the objects a list through the first member shows, split
 * by the node each names into one {@link Observation} per member with what that member's host
 * holds; and what keeps the look from being the fleet's settled state.
 *
 * @param membership one line per member that some member does not list Up, or that could not be asked
 * @param listing    one line per member whose lists differ from the first member's
 * @param listed     every object of every kind, as the list through the first member returns them
 * @param byNode     member name → the objects listed on it, and its host
 */
record FleetObservation(List<String> membership, List<String> listing, List<ObjectDoc> listed,
                        Map<String, Observation> byNode) {
    /** What is visibly still moving: the fleet's disagreements, objects not recovered yet, each node's work in progress. */
    List<String> moving(Expectations model) {
        List<String> out = new ArrayList<>(membership);
        out.addAll(listing);
        out.addAll(Settling.notRecovered(listed, model));
        byNode.forEach((node, seen) -> Settling.inProgress(seen).forEach(line -> out.add("node " + node + ": " + line)));
        return out;
    }

    String fingerprint() {
        TreeSet<String> lines = new TreeSet<>(membership);
        lines.addAll(listing);
        byNode.forEach((node, seen) -> lines.add("node " + node + "\n" + seen.fingerprint()));
        return String.join("\n", lines);
    }

    /**
     * The members a listed object names: one, or for a realm, space or stack that several hold, each
     * of them (a list shows such a scope once, its NODE column naming every holder: "a,b").
     */
    static List<String> holders(ObjectDoc d) {
        return List.of(d.getNode().split(","));
    }

    /** The whole fleet's objects as one listing, without any host's side: what the clients' answers are checked on. */
    Observation merged() {
        return new Observation(listed, Map.of(), Map.of(), Map.of(), Observation.Network.NONE);
    }
}
