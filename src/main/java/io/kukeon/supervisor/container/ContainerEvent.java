package io.kukeon.supervisor.container;

import io.kukeon.model.ContainerSpec;
import io.kukeon.supervisor.JournalEvent;
import io.kukeon.supervisor.JournalName;

import java.time.Instant;
import java.util.Map;

/** What happened to a container, as its journal holds it. */
public sealed interface ContainerEvent extends JournalEvent {

    @JournalName("container.Defined")
    record Defined(ContainerSpec spec, Instant at, boolean nestedCgroups) implements ContainerEvent {
        public Defined(ContainerSpec spec, Instant at) {
            this(spec, at, false);
        }

        public String summary() {
            return "defined: image " + spec.image();
        }
    }

    /**
     * @param restart            a restart by the restart policy, not a start by the cell
     * @param bringUpGraceMillis the cell's start checks this run's bring-up: an exit within this long
     *                           of the task's start is the cell's to judge, not the restart policy's
     *                           (null: not checked; absent from journals before the bring-up window)
     */
    @JournalName("container.StartRequested")
    record StartRequested(Map<String, String> joins, boolean restart, Instant at, Long bringUpGraceMillis)
            implements ContainerEvent {
        public String summary() {
            return restart ? "restart requested" : "start requested";
        }
    }

    @JournalName("container.TaskStarted")
    record TaskStarted(int pid, Instant at) implements ContainerEvent {
        public String summary() {
            return "started, pid " + pid;
        }
    }

    @JournalName("container.StartFailed")
    record StartFailed(String reason, String message, Instant at) implements ContainerEvent {
        public String summary() {
            return "start failed: " + message;
        }
    }

    /** @param exitCode -1 when the task vanished without an exit status (e.g. after a reboot) */
    @JournalName("container.TaskExited")
    record TaskExited(int pid, int exitCode, boolean oomKilled, Instant at) implements ContainerEvent {
        public String summary() {
            return exitCode < 0 ? "task lost" : "exited with code " + exitCode + (oomKilled ? " (OOMKilled)" : "");
        }
    }

    @JournalName("container.RestartScheduled")
    record RestartScheduled(int attempt, Instant due, Instant at) implements ContainerEvent {
        public String summary() {
            return "restart " + attempt + " scheduled at " + due;
        }
    }

    @JournalName("container.RestartsExhausted")
    record RestartsExhausted(int attempts, Instant at) implements ContainerEvent {
        public String summary() {
            return "gave up after " + attempts + " restarts";
        }
    }

    @JournalName("container.StopRequested")
    record StopRequested(boolean kill, Instant at) implements ContainerEvent {
        public String summary() {
            return kill ? "kill requested" : "stop requested";
        }
    }

    @JournalName("container.TaskStopped")
    record TaskStopped(Integer exitCode, Instant at) implements ContainerEvent {
        public String summary() {
            return "stopped" + (exitCode == null ? "" : ", exit code " + exitCode);
        }
    }

    @JournalName("container.DeleteRequested")
    record DeleteRequested(Instant at) implements ContainerEvent {
        public String summary() {
            return "delete requested";
        }
    }

    @JournalName("container.ContainerDeleted")
    record ContainerDeleted(Instant at) implements ContainerEvent {
        public String summary() {
            return "deleted";
        }
    }
}
