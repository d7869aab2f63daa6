package io.kukeon.supervisor.cell;

import io.kukeon.model.CellSpec;
import io.kukeon.model.GroupStatus;
import io.kukeon.supervisor.JournalEvent;
import io.kukeon.model.CellNetworkStatus;
import io.kukeon.model.SecretData;
import io.kukeon.supervisor.JournalName;

import java.time.Instant;
import java.util.Map;

/** What happened to a cell, as its journal holds it. */
public sealed interface CellEvent extends JournalEvent {

    /** @param start apply creates a running cell: the start is part of the intent, so a crash cannot lose it */
    @JournalName("cell.CellCreated")
    record CellCreated(CellSpec spec, Map<String, String> labels, Map<String, String> annotations, boolean start, Instant at)
            implements CellEvent {
        public CellCreated {
            annotations = annotations == null ? Map.of() : annotations;   // absent from journals before annotations
        }

        public String summary() {
            return "created with " + spec.containers().size() + " container(s)";
        }
    }

    /** @param start the update also asks a cell that never ran to run */
    @JournalName("cell.CellUpdated")
    record CellUpdated(CellSpec spec, Map<String, String> labels, Map<String, String> annotations, long generation,
                       boolean start, Instant at)
            implements CellEvent {
        public CellUpdated {
            annotations = annotations == null ? Map.of() : annotations;   // absent from journals before annotations
        }

        public String summary() {
            return "updated to generation " + generation;
        }
    }

    /**
     * The workloads a start (or an update) just started must go on running, or have exited 0, for
     * {@code graceMillis} from the event's time: one that exits within it fails the cell's start.
     */
    record BringUpCheck(java.util.List<String> workloads, long graceMillis) {
        public BringUpCheck {
            workloads = workloads == null ? java.util.List.of() : java.util.List.copyOf(workloads);
        }
    }

    /** @param bringUp the check of the workloads an update started into the running cell (null: none; absent from journals before it) */
    @JournalName("cell.CgroupProvisioned")
    record CgroupProvisioned(GroupStatus cgroup, Instant at, BringUpCheck bringUp) implements CellEvent {
        public String summary() {
            return "cgroup " + cgroup.path() + " ready";
        }
    }

    @JournalName("cell.ProvisionFailed")
    record ProvisionFailed(String reason, String message, Instant at) implements CellEvent {
        public String summary() {
            return "provisioning failed: " + message;
        }
    }

    @JournalName("cell.StartRequested")
    record StartRequested(Instant at) implements CellEvent {
        public String summary() {
            return "start requested";
        }
    }

    /** @param bringUp the check of the workloads this start started (null: none; absent from journals before it) */
    @JournalName("cell.Started")
    record Started(int rootPid, Instant at, BringUpCheck bringUp) implements CellEvent {
        public String summary() {
            return "started, root pid " + rootPid;
        }
    }

    /** The root was attached to its space's network (written with the {@link Started} of that root). */
    @JournalName("cell.NetworkAttached")
    record NetworkAttached(CellNetworkStatus network, Instant at) implements CellEvent {
        public String summary() {
            return "attached to network, address " + network.cidr() + " on " + network.bridge();
        }
    }

    /**
     * The cell's root exited while the cell was meant to run, and nothing brings it back by itself
     * (its own restart policy does not, or gave up): the cell restarts around a new root at
     * {@code due}, as a pod around a new sandbox. {@code attempt} counts this run of root exits.
     *
     * @param pid      the root's pid that exited (null: not known)
     * @param exitCode its exit code (null: not known; negative: its task disappeared)
     * @param oomKilled the kernel's OOM killer ended it
     */
    @JournalName("cell.RootExited")
    record RootExited(String container, Integer pid, Integer exitCode, boolean oomKilled, int attempt, Instant due, Instant at)
            implements CellEvent {
        public String summary() {
            long seconds = Math.max(0, java.time.Duration.between(at, due).toSeconds());
            return "root container \"" + container + "\"" + (pid == null ? "" : " (pid " + pid + ")")
                    + (exitCode == null ? " exited" : exitCode < 0 ? " disappeared without an exit status"
                    : " exited with code " + exitCode) + (oomKilled ? " (OOMKilled)" : "")
                    + "; the cell restarts around a new root" + (seconds == 0 ? "" : " in " + seconds + "s")
                    + " (restart " + attempt + " of this run of root exits)";
        }
    }

    @JournalName("cell.StartFailed")
    record StartFailed(String reason, String message, Instant at) implements CellEvent {
        public String summary() {
            return "start failed: " + message;
        }
    }

    @JournalName("cell.StopRequested")
    record StopRequested(boolean kill, Instant at) implements CellEvent {
        public String summary() {
            return kill ? "kill requested" : "stop requested";
        }
    }

    @JournalName("cell.Stopped")
    record Stopped(Instant at) implements CellEvent {
        public String summary() {
            return "stopped";
        }
    }

    @JournalName("cell.WorkloadFailed")
    record WorkloadFailed(String container, Integer exitCode, String message, Instant at) implements CellEvent {
        public String summary() {
            return message;
        }
    }

    @JournalName("cell.DeleteRequested")
    record DeleteRequested(Instant at) implements CellEvent {
        public String summary() {
            return "delete requested";
        }
    }

    @JournalName("cell.Deleted")
    record Deleted(Instant at) implements CellEvent {
        public String summary() {
            return "deleted";
        }
    }

    @JournalName("cell.DeleteFailed")
    record DeleteFailed(String reason, String message, Instant at) implements CellEvent {
        public String summary() {
            return "delete failed: " + message;
        }
    }

    /** A Secret of this cell was created or given a new value; the value is sealed in the journal. */
    @JournalName("cell.SecretPut")
    record SecretPut(String name, SecretData data, Instant at) implements CellEvent {
        public String summary() {
            return "secret \"" + name + "\" put (" + data.size() + " bytes)";
        }
    }

    @JournalName("cell.SecretRemoved")
    record SecretRemoved(String name, Instant at) implements CellEvent {
        public String summary() {
            return "secret \"" + name + "\" removed";
        }
    }
}
