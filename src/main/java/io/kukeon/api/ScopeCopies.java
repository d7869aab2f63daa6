package io.kukeon.api;

import io.kukeon.fleet.ScopesForCells;
import io.kukeon.model.TreeObject;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.ObjectDoc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A realm, space or stack held by several nodes of a fleet, each holding a copy, as one name: where
 * a document of it is applied, what its apply answers, and its row in a list.
 */
final class ScopeCopies {
    private ScopeCopies() {}

    /** The nodes that hold copies, as the NODE column names them: by name, comma-separated. */
    static String named(Collection<String> nodes) {
        return String.join(",", new TreeSet<>(nodes));
    }

    /**
     * Whether a scope's document is applied here: when this node holds a copy, when no node does (it
     * is made here), or when the same apply puts a Secret, Volume or template in it (held per node:
     * here, so the scope must be here too).
     */
    static boolean appliedHere(boolean heldHere, boolean heldElsewhere, boolean holdsForThisApply) {
        return heldHere || !heldElsewhere || holdsForThisApply;
    }

    /**
     * The document as the node that holds {@code copy} applies it: a copy that node holds only for its
     * cells keeps that label, so it is still removed there when its last cell leaves.
     */
    static TreeObject forHolder(TreeObject scope, ObjectDoc copy) {
        return "true".equals(copy.getMetadata().getLabelsMap().get(ScopesForCells.LABEL)) ? ScopesForCells.forCells(scope) : scope;
    }

    /**
     * One list row per name: the objects sorted by path (then node), those of one path (copies of a
     * scope) as one, this node's copy when it has one (else the first), naming every holder.
     */
    static List<ObjectDoc> oneRowPerName(List<ObjectDoc> sorted, String self) {
        List<ObjectDoc> out = new ArrayList<>(sorted.size());
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            ObjectDoc shown = sorted.get(i);
            List<String> nodes = new ArrayList<>();
            while (j < sorted.size() && sorted.get(j).getPath().equals(sorted.get(i).getPath())) {
                ObjectDoc copy = sorted.get(j++);
                nodes.add(copy.getNode());
                shown = copy.getNode().equals(self) ? copy : shown;
            }
            out.add(j - i == 1 ? shown : shown.toBuilder().setNode(named(nodes)).build());
            i = j;
        }
        return out;
    }

    /**
     * One result for a document applied on each of {@code copies} (node to its result; one: its result,
     * naming its node): applied on all, the most telling outcome (updated, else created, else unchanged), with this node's copy
     * (else the first) naming every node; failed on any, failed, naming each node's error and the
     * nodes where it was applied, with no object (what needs it is not applied).
     *
     * @param result the document's result so far (kind, name, path, line, warnings)
     */
    static ApplyResult merged(ApplyResult.Builder result, String self, Map<String, ApplyResult> copies) {
        Map<String, ApplyResult> sorted = new java.util.TreeMap<>(copies);
        if (sorted.size() == 1) {   // one copy: its result as that node gave it
            ApplyResult only = sorted.values().iterator().next();
            result.setOutcome(only.getOutcome()).setError(only.getError()).setErrorKind(only.getErrorKind())
                    .addAllChanges(only.getChangesList()).addAllEffects(only.getEffectsList());
            return only.hasObject() ? result.setObject(only.getObject().toBuilder().setNode(named(sorted.keySet()))).build()
                    : result.build();
        }
        Map<String, List<String>> failures = new LinkedHashMap<>();   // error to the nodes that gave it
        List<String> applied = new ArrayList<>();
        Set<String> changes = new LinkedHashSet<>();
        Set<String> effects = new LinkedHashSet<>();
        String errorKind = null;
        ApplyResult shown = null;
        for (Map.Entry<String, ApplyResult> copy : sorted.entrySet()) {
            ApplyResult r = copy.getValue();
            if (r.getOutcome().equals("failed")) {
                failures.computeIfAbsent(r.getError(), e -> new ArrayList<>()).add(copy.getKey());
                errorKind = errorKind == null ? r.getErrorKind() : errorKind;
                continue;
            }
            applied.add(copy.getKey());
            changes.addAll(r.getChangesList());
            effects.addAll(r.getEffectsList());
            shown = shown == null || copy.getKey().equals(self) ? r : shown;
        }
        result.addAllChanges(changes).addAllEffects(effects);
        if (!failures.isEmpty()) {
            List<String> errors = new ArrayList<>();
            failures.forEach((error, nodes) -> errors.add("on node(s) " + String.join(", ", nodes) + ": " + error));
            return result.setOutcome("failed").setErrorKind(errorKind).setError(String.join("; ", errors)
                    + (applied.isEmpty() ? "; applied on no node" : "; applied on node(s) " + String.join(", ", applied))).build();
        }
        List<String> outcomes = sorted.values().stream().map(ApplyResult::getOutcome).toList();
        result.setOutcome(outcomes.contains("updated") ? "updated" : outcomes.contains("created") ? "created" : "unchanged");
        return shown.hasObject() ? result.setObject(shown.getObject().toBuilder().setNode(named(sorted.keySet()))).build()
                : result.build();
    }
}
