package io.kukeon.runtime;

import io.kukeon.model.ContainerState;

import java.time.Instant;

/**
 * A container's task as containerd reports it.
 *
 * @param pid      the task's init process, 0 when none
 * @param exitCode set once the task stopped
 */
public record TaskInfo(Status status, int pid, Integer exitCode, Instant exitedAt) {

    public enum Status { NO_CONTAINER, NO_TASK, CREATED, RUNNING, PAUSED, PAUSING, STOPPED, UNKNOWN }

    public static final TaskInfo NO_CONTAINER = new TaskInfo(Status.NO_CONTAINER, 0, null, null);
    public static final TaskInfo NO_TASK = new TaskInfo(Status.NO_TASK, 0, null, null);

    public static TaskInfo running(int pid) {
        return new TaskInfo(Status.RUNNING, pid, null, null);
    }

    public static TaskInfo stopped(int pid, int exitCode, Instant exitedAt) {
        return new TaskInfo(Status.STOPPED, pid, exitCode, exitedAt);
    }

    /** The reference's mapping from containerd's view to a container state. */
    public ContainerState toContainerState() {
        return switch (status) {
            case NO_CONTAINER -> ContainerState.NotCreated;
            case NO_TASK -> ContainerState.Stopped;
            case CREATED -> ContainerState.Pending;
            case RUNNING -> ContainerState.Ready;
            case PAUSED -> ContainerState.Paused;
            case PAUSING -> ContainerState.Pausing;
            case STOPPED -> exitCode != null && exitCode == 0 ? ContainerState.Exited : ContainerState.Error;
            case UNKNOWN -> ContainerState.Unknown;
        };
    }
}
