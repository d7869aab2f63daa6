package io.kukeon.supervisor;

import io.kukeon.model.CellSpec;
import io.kukeon.model.CellState;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.RestartPolicy;

import java.util.List;
import java.util.Map;

/**
 * How a cell's displayed state follows from its intent and from what its containers report: the
 * reference's rules, in one place. Pure functions; the cell calls them with its state and the
 * statuses its containers last reported.
 */
final class CellStateRules {
    private CellStateRules() {}

    /** Intent first (sticky, stopped, in progress), then what the containers do. */
    static CellState display(CellActor.State s, Map<String, ContainerStatus> reported, boolean runtimeDown) {
        if (s.sticky() != null) {
            return s.sticky();
        }
        switch (s.activity()) {
            case PROVISIONING:
                if (!s.desiredRunning() || s.rootPid() == null) {
                    return s.everStarted() ? CellState.Stopped : CellState.Pending;
                }
                break;
            case STARTING:
                return CellState.Pending;
            case STOPPING:
            case DELETING:
                return CellState.Stopped;
            default:
                break;
        }
        if (!s.desiredRunning()) {
            return s.everStarted() ? CellState.Stopped : CellState.Pending;
        }
        return derive(s.spec(), reported, runtimeDown);
    }

    /**
     * What the containers do: the workloads decide (a cell of only a root follows the root). Any
     * active: Ready, or Degraded when the root or another workload is down uncleanly (failed, owed a
     * restart, or meant to run always). None active: Degraded while a restart is owed, else Error if
     * any failed, else Exited. Unknown when anything cannot be observed.
     */
    static CellState derive(CellSpec spec, Map<String, ContainerStatus> reported, boolean runtimeDown) {
        if (runtimeDown) {
            return CellState.Unknown;
        }
        ContainerStatus root = reported.get(spec.rootContainerId());
        List<ContainerSpec> workloads = spec.workloads();
        if (root == null || root.state() == ContainerState.Unknown || workloads.stream().anyMatch(w ->
                !reported.containsKey(w.id()) || reported.get(w.id()).state() == ContainerState.Unknown)) {
            return CellState.Unknown;
        }
        if (workloads.isEmpty()) {
            if (root.state().isActive()) {
                return CellState.Ready;
            }
            return root.exitCode() != null && root.exitCode() == 0 ? CellState.Exited : CellState.Error;
        }
        boolean anyActive = false;
        boolean uncleanDown = !root.state().isActive();
        boolean anyFailed = false;
        boolean restartOwed = false;
        for (ContainerSpec w : workloads) {
            ContainerStatus st = reported.get(w.id());
            if (st.state().isActive()) {
                anyActive = true;
                continue;
            }
            boolean failed = st.state() == ContainerState.Error || st.state() == ContainerState.Failed;
            anyFailed |= failed;
            restartOwed |= st.nextRestartAt() != null;
            if (failed || st.nextRestartAt() != null || w.restartPolicy() == RestartPolicy.ALWAYS) {
                uncleanDown = true;
            }
        }
        if (anyActive) {
            return uncleanDown ? CellState.Degraded : CellState.Ready;
        }
        if (restartOwed) {
            return CellState.Degraded;
        }
        return anyFailed ? CellState.Error : CellState.Exited;
    }

    /** The first workload that failed or exited non-zero, for the Error message. */
    static ContainerStatus firstFailedWorkload(CellSpec spec, Map<String, ContainerStatus> reported) {
        for (ContainerSpec w : spec.workloads()) {
            ContainerStatus st = reported.get(w.id());
            if (st != null && (st.state() == ContainerState.Error || st.state() == ContainerState.Failed)) {
                return st;
            }
        }
        return null;
    }
}
