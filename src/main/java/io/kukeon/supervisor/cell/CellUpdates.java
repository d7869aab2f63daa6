package io.kukeon.supervisor.cell;

import io.kukeon.model.CellSpec;
import io.kukeon.model.CellState;
import io.kukeon.model.ContainerSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a new spec does to a cell that runs, in words, for {@code apply} (and its dry run) to say:
 * the rules {@link CellOperations#applyToRunning} carries out. A container whose spec changed is
 * stopped and started again with it; when that is the root, which holds the namespaces and the
 * address, the whole cell restarts. Limits change in place. A cell that does not run takes the
 * new spec at its next start.
 */
public final class CellUpdates {
    private CellUpdates() {}

    /** The cell states in which containers run, so that a new spec reaches them now. */
    public static boolean running(CellState state) {
        return state == CellState.Ready || state == CellState.Degraded;
    }

    public static List<String> effects(CellSpec current, CellSpec desired, CellState state) {
        List<String> out = new ArrayList<>();
        if (!running(state)) {
            return out;
        }
        CellSpec was = current.normalized();
        CellSpec will = desired.normalized();
        if (!Objects.equals(was.resources(), will.resources())) {
            out.add("the cell's limits change in place");
        }
        if (!Objects.equals(was.rootContainer(), will.rootContainer())) {
            out.add("the whole cell restarts: its root container \"" + will.rootContainerId() + "\" changed");
            return out;
        }
        if (was.nestedCgroupRuntime() != will.nestedCgroupRuntime()) {
            // every container is defined anew with it, the root too
            out.add("the whole cell restarts: nestedCgroupRuntime changed");
            return out;
        }
        for (ContainerSpec w : will.workloads()) {
            ContainerSpec before = was.container(w.id());
            if (before == null) {
                out.add("container \"" + w.id() + "\" starts");
            } else if (!before.equals(w)) {
                out.add("container \"" + w.id() + "\" restarts with its new spec");
            }
        }
        for (ContainerSpec w : was.workloads()) {
            if (will.container(w.id()) == null) {
                out.add("container \"" + w.id() + "\" stops and is removed");
            }
        }
        return out;
    }
}
