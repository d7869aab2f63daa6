package io.kukeon.supervisor.cell;

import io.kukeon.model.CellSpec;
import io.kukeon.model.CellState;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.RestartPolicy;
import io.kukeon.supervisor.TreeSettings;

import java.time.Instant;
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
    static CellState display(CellRecord s, Map<String, ContainerStatus> reported, boolean runtimeDown) {
        if (s.sticky() != null) {
            return s.sticky();
        }
        CellRecord.Run run = s.run();
        switch (s.activity()) {
            case PROVISIONING:
                if (!run.desired() || run.rootPid() == null) {
                    return run.everStarted() ? CellState.Stopped : CellState.Pending;
                }
                break;
            case STARTING:
                return CellState.Pending;
            case STOPPING:
            case DELETING:   // until containerd answers, nobody knows whether the tasks stopped yet
                return runtimeDown ? CellState.Unknown : CellState.Stopped;
            default:
                break;
        }
        if (!run.desired()) {
            return run.everStarted() ? CellState.Stopped : CellState.Pending;
        }
        if (s.rootRestartOwed() && !runtimeDown) {
            return CellState.Degraded;   // its root exited: the restart around a new root is owed
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

    /**
     * An {@code autoDelete} cell is done once it was started and its workloads all exited with no
     * restart owed (Exited or Error, as {@code docker run --rm}); not when an operator stopped it,
     * nor after kukeond's own bring-up fault (Failed), which stays to be looked at.
     */
    static boolean doneForAutoDelete(CellRecord s, CellState derived) {
        return s.spec().autoDelete() && s.run().desired() && (s.sticky() == null || s.sticky() == CellState.Error)
                && (derived == CellState.Exited || derived == CellState.Error);
    }

    /**
     * The root exited for good while the cell is meant to run (the cell idle, no sticky state): the
     * restart around a new root that follows, or null when none does. For good: its own restart
     * policy does not bring it back (no restart owed; a root that comes back alone is the cell's
     * other case, {@link AroundNewRoot#cameBackAlone}); an operator's stop of the root alone is no
     * exit. A restart follows when the cell has something left to run: a workload running, owed a
     * restart, or under {@code restartPolicy: always}; in a cell of only its root, only a
     * synthesized pause root (a root of the user's is then the cell's workload, whose policy decides).
     * Never for an {@code autoDelete} cell, which runs to its completion as it is.
     * The backoff goes on from the record's run of root exits, and starts over after a root that ran
     * {@code resetAfter}: as a container's restarts.
     */
    static CellEvent.RootExited rootExit(CellRecord s, Map<String, ContainerStatus> reported,
                                         TreeSettings.RestartBackoff backoff, Instant now) {
        CellSpec spec = s.spec();
        ContainerStatus root = reported.get(spec.rootContainerId());
        if (!s.run().desired() || s.run().rootPid() == null || s.sticky() != null || s.rootRestartOwed()
                || spec.autoDelete() || root == null || root.nextRestartAt() != null
                || !(root.state() == ContainerState.Exited || root.state() == ContainerState.Error
                || root.state() == ContainerState.Failed) || !leftToRun(spec, reported)) {
            return null;
        }
        int previous = s.rootRestart() == null ? 0 : s.rootRestart().attempt();
        Instant exitedAt = root.finishTime() != null ? root.finishTime() : now;
        int attempt = backoff.attemptAfter(previous, root.startTime(), exitedAt);
        Integer pid = root.pid() != null && root.pid() > 0 ? root.pid() : s.run().rootPid();   // a task gone shows none
        return new CellEvent.RootExited(root.name(), pid, root.exitCode(), root.oomKilled(), attempt,
                now.plus(backoff.delayBefore(attempt, null)), now);
    }

    private static boolean leftToRun(CellSpec spec, Map<String, ContainerStatus> reported) {
        if (spec.workloads().isEmpty()) {
            return CellSpec.isPauseRoot(spec.rootContainer());
        }
        for (ContainerSpec w : spec.workloads()) {
            ContainerStatus st = reported.get(w.id());
            if (st == null) {
                continue;
            }
            if (st.state().isActive() || st.nextRestartAt() != null
                    || w.restartPolicy() == RestartPolicy.ALWAYS && st.state() != ContainerState.Stopped) {
                return true;
            }
        }
        return false;
    }

    /**
     * The cell's verdict when its workloads put a cell meant to run in Error: the first workload that
     * failed or exited non-zero, named in the message.
     */
    static CellEvent.WorkloadFailed workloadFailure(CellSpec spec, Map<String, ContainerStatus> reported, Instant at) {
        for (ContainerSpec w : spec.workloads()) {
            ContainerStatus st = reported.get(w.id());
            if (st != null && (st.state() == ContainerState.Error || st.state() == ContainerState.Failed)) {
                String message = "container \"" + st.name() + "\" "
                        + (st.exitCode() == null ? "failed" : "exited with code " + st.exitCode())
                        + (st.oomKilled() ? " (OOMKilled)" : "");
                return new CellEvent.WorkloadFailed(st.name(), st.exitCode(), message, at);
            }
        }
        return new CellEvent.WorkloadFailed(null, null, "a workload failed", at);
    }
}
