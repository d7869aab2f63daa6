package io.kukeon.supervisor.container;

import io.kukeon.model.UnavailableException;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.supervisor.JournalName;
import io.kukeon.supervisor.Journaled;
import io.kukeon.supervisor.container.ContainerEvent.ContainerDeleted;
import io.kukeon.supervisor.container.ContainerEvent.Defined;
import io.kukeon.supervisor.container.ContainerEvent.RestartScheduled;
import io.kukeon.supervisor.container.ContainerEvent.RestartsExhausted;
import io.kukeon.supervisor.container.ContainerEvent.StartFailed;
import io.kukeon.supervisor.container.ContainerEvent.StartRequested;
import io.kukeon.supervisor.container.ContainerEvent.StopRequested;
import io.kukeon.supervisor.container.ContainerEvent.TaskExited;
import io.kukeon.supervisor.container.ContainerEvent.TaskStarted;
import io.kukeon.supervisor.container.ContainerEvent.TaskStopped;

import java.time.Instant;
import java.util.Map;

/**
 * A container as its journal tells it: the event-sourced state of a {@link ContainerActor}, and its
 * snapshot. Each transition is named for the event it applies and changes only what that event says.
 *
 * @param phase       where the container's life is; STARTING, STOPPING and DELETING are intents whose outcome is not written yet
 * @param joins       namespaces of the cell's root the task joins (from its last start)
 * @param problem     why it is not as wanted, when it is not (null: nothing to tell)
 * @param wantRunning started by the cell and not stopped since: exits are restarted per policy
 * @param nestedCgroups its cell's {@code nestedCgroupRuntime}, as last defined (absent from older journals: false)
 */
@JournalName("container.Record")
public record ContainerRecord(Phase phase, ContainerSpec spec, Generations generations, Map<String, String> joins,
                              Task task, Problem problem, Restarts restarts, boolean wantRunning, Times times,
                              boolean nestedCgroups)
        implements Journaled {

    public enum Phase { ABSENT, DEFINED, STARTING, RUNNING, EXITED, STOPPING, STOPPED, FAILED, DELETING }

    /**
     * @param current bumped by every definition
     * @param started the definition the task last started from: a running task is stale when it is older
     */
    public record Generations(long current, long started) {}

    /** What the container's task last did. */
    public record Task(Integer pid, Instant startedAt, Instant finishedAt, Integer exitCode, boolean oomKilled) {
        static final Task NONE = new Task(null, null, null, null, false);

        Task started(int newPid, Instant at) {
            return new Task(newPid, at, null, null, false);
        }

        Task ended(Integer code, boolean oom, Instant at) {
            return new Task(null, startedAt, at, code, oom);
        }

        Task notStarted(Instant at) {
            return new Task(null, startedAt, at, exitCode, oomKilled);
        }
    }

    public record Problem(String reason, String message) {}

    /**
     * @param count   restarts by the policy since the container was created
     * @param attempt restarts in the current run of failures (starts over after a healthy run)
     * @param nextAt  when the restart that is owed happens (null: none owed)
     * @param gaveUp  on-failure ran out of retries
     * @param heldWithinMillis the cell's start checks this run's bring-up: an exit within this long of
     *                the task's start is the cell's to judge and owes no restart (null: none; absent
     *                from snapshots before the bring-up window)
     */
    public record Restarts(int count, int attempt, Instant nextAt, boolean gaveUp, Long heldWithinMillis) {
        static final Restarts NONE = new Restarts(0, 0, null, false, null);

        Restarts settled() {
            return new Restarts(count, attempt, null, false, heldWithinMillis);
        }

        Restarts startedOver(Long bringUpGraceMillis) {
            return new Restarts(count, 0, null, false, bringUpGraceMillis);
        }

        /** By the policy: its run's bring-up is over, the policy alone decides what follows. */
        Restarts restarting() {
            return new Restarts(count + 1, attempt, null, false, null);
        }

        Restarts scheduled(int newAttempt, Instant due) {
            return new Restarts(count, newAttempt, due, false, heldWithinMillis);
        }

        Restarts exhausted() {
            return new Restarts(count, attempt, null, true, heldWithinMillis);
        }

        /** Whether an exit at {@code exitedAt} of the task started at {@code startedAt} falls in the cell's bring-up. */
        boolean heldAt(Instant startedAt, Instant exitedAt) {
            return heldWithinMillis != null && startedAt != null
                    && exitedAt.isBefore(startedAt.plusMillis(heldWithinMillis));
        }
    }

    public record Times(Instant createdAt, Instant updatedAt) {
        Times touched(Instant at) {
            return new Times(createdAt, at);
        }
    }

    public ContainerRecord {
        joins = joins == null ? Map.of() : Map.copyOf(joins);
        task = task == null ? Task.NONE : task;
        restarts = restarts == null ? Restarts.NONE : restarts;
        times = times == null ? new Times(null, null) : times;
        generations = generations == null ? new Generations(0, 0) : generations;
    }

    public static ContainerRecord empty() {
        return new ContainerRecord(Phase.ABSENT, null, null, null, null, null, null, false, null, false);
    }

    boolean exists() {
        return phase != Phase.ABSENT;
    }

    Integer pid() {
        return task.pid();
    }

    /** What a new definition means for the task: see {@link ContainerProtocol.Definition}. */
    ContainerProtocol.Definition definition() {
        boolean running = phase == Phase.RUNNING || phase == Phase.STARTING;
        return new ContainerProtocol.Definition(running && generations.started() != generations.current(),
                phase == Phase.DEFINED || phase == Phase.STOPPED || phase == Phase.FAILED);
    }

    /** Where the container is on the host: fixed by its path. */
    record Identity(String name, String containerdId, String logPath, String cgroupPath) {}

    /** The status users see: the record, what containerd last told, and how far a pull has come (null: none runs). */
    ContainerStatus status(Identity id, boolean runtimeDown, ContainerStatus.Pull pulled) {
        String image = spec == null ? null : spec.image();
        String reason = runtimeDown ? UnavailableException.RUNTIME_UNAVAILABLE : problem == null ? null : problem.reason();
        return new ContainerStatus(id.name(), id.containerdId(), display(runtimeDown), task.pid(), restarts.count(),
                task.startedAt(), task.finishedAt(), task.exitCode(), ContainerStatus.signalOf(task.exitCode()),
                task.oomKilled(), reason, problem == null ? null : problem.message(), restarts.nextAt(), id.logPath(),
                id.cgroupPath(), image, null, pulled);
    }

    ContainerState display(boolean runtimeDown) {
        if (runtimeDown && (phase == Phase.RUNNING || phase == Phase.STARTING || phase == Phase.STOPPING)) {
            return ContainerState.Unknown;
        }
        return switch (phase) {
            case ABSENT, DEFINED -> ContainerState.NotCreated;
            case STARTING -> ContainerState.Pending;
            case RUNNING, STOPPING -> ContainerState.Ready;
            case EXITED -> task.exitCode() != null && task.exitCode() == 0 ? ContainerState.Exited : ContainerState.Error;
            case STOPPED, DELETING -> ContainerState.Stopped;
            case FAILED -> ContainerState.Failed;
        };
    }

    // ---- transitions, one per event ----

    /** The event handler: this record after {@code event}, and nothing else. */
    public ContainerRecord apply(ContainerEvent event) {
        if (event instanceof ContainerEvent.Defined e) {
            return defined(e);
        } else if (event instanceof ContainerEvent.StartRequested e) {
            return startRequested(e);
        } else if (event instanceof ContainerEvent.TaskStarted e) {
            return started(e);
        } else if (event instanceof ContainerEvent.StartFailed e) {
            return startFailed(e);
        } else if (event instanceof ContainerEvent.TaskExited e) {
            return exited(e);
        } else if (event instanceof ContainerEvent.RestartScheduled e) {
            return restartScheduled(e);
        } else if (event instanceof ContainerEvent.RestartsExhausted e) {
            return exhausted(e);
        } else if (event instanceof ContainerEvent.StopRequested e) {
            return stopRequested(e);
        } else if (event instanceof ContainerEvent.TaskStopped e) {
            return stopped(e);
        } else if (event instanceof ContainerEvent.DeleteRequested) {
            return deleteRequested();
        } else if (event instanceof ContainerEvent.ContainerDeleted e) {
            return deleted(e);
        }
        throw new IllegalArgumentException("a container has no transition for " + event);
    }


    ContainerRecord defined(Defined e) {
        boolean fresh = phase == Phase.ABSENT;
        Restarts r = fresh ? restarts.startedOver(null)
                : new Restarts(restarts.count(), restarts.attempt(), restarts.nextAt(), false, restarts.heldWithinMillis());
        return new ContainerRecord(fresh ? Phase.DEFINED : phase, e.spec(),
                new Generations(generations.current() + 1, generations.started()), joins, task, problem, r,
                !fresh && wantRunning,
                new Times(times.createdAt() == null ? e.at() : times.createdAt(), e.at()), e.nestedCgroups());
    }

    ContainerRecord startRequested(StartRequested e) {
        return new ContainerRecord(Phase.STARTING, spec, new Generations(generations.current(), generations.current()),
                e.joins(), task, null, e.restart() ? restarts.restarting() : restarts.startedOver(e.bringUpGraceMillis()), true,
                times.touched(e.at()), nestedCgroups);
    }

    ContainerRecord started(TaskStarted e) {
        return with(Phase.RUNNING, task.started(e.pid(), e.at()), null, restarts.settled(), wantRunning, e.at());
    }

    ContainerRecord startFailed(StartFailed e) {
        return with(Phase.FAILED, task.notStarted(e.at()), new Problem(e.reason(), e.message()), restarts.settled(),
                false, e.at());
    }

    ContainerRecord exited(TaskExited e) {
        boolean lost = e.exitCode() < 0;
        Problem why = lost ? new Problem("TaskLost", "the task disappeared without an exit status")
                : e.oomKilled() ? new Problem("OOMKilled", null) : null;
        return with(Phase.EXITED, task.ended(lost ? null : e.exitCode(), e.oomKilled(), e.at()), why,
                restarts.settled(), wantRunning, e.at());
    }

    ContainerRecord restartScheduled(RestartScheduled e) {
        return with(phase, task, problem, restarts.scheduled(e.attempt(), e.due()), wantRunning, e.at());
    }

    ContainerRecord exhausted(RestartsExhausted e) {
        return with(phase, task, new Problem("RestartsExhausted", "gave up after " + e.attempts() + " restarts"),
                restarts.exhausted(), wantRunning, e.at());
    }

    ContainerRecord stopRequested(StopRequested e) {
        return with(Phase.STOPPING, task, problem, restarts.startedOver(null), false, e.at());
    }

    ContainerRecord stopped(TaskStopped e) {
        return with(Phase.STOPPED, task.ended(e.exitCode(), false, e.at()), null, restarts.startedOver(null), false, e.at());
    }

    ContainerRecord deleteRequested() {
        return new ContainerRecord(Phase.DELETING, spec, generations, joins, task, problem, restarts, wantRunning, times,
                nestedCgroups);
    }

    ContainerRecord deleted(ContainerDeleted e) {
        return new ContainerRecord(Phase.ABSENT, null, generations, null, null, null, null, false, null, false);
    }

    /** The parts most events change; spec, generations and joins stay. */
    private ContainerRecord with(Phase newPhase, Task newTask, Problem newProblem, Restarts newRestarts,
                                 boolean newWantRunning, Instant at) {
        return new ContainerRecord(newPhase, spec, generations, joins, newTask, newProblem, newRestarts,
                newWantRunning, times.touched(at), nestedCgroups);
    }
}
