package io.kukeon.model;

import java.time.Instant;

/**
 * What one container does, as last observed.
 *
 * @param exitSignal    the signal that ended it (derived from exit codes 129-192)
 * @param oomKilled     the last exit was an OOM kill
 * @param nextRestartAt when a restart is owed, when it will happen
 * @param logPath       stdout and stderr of the container
 * @param usage         live usage of its task, when read (Get of a running container)
 * @param pull          while a start pulls the image: how far it got; null when no pull runs
 */
public record ContainerStatus(String name, String containerdId, ContainerState state, Integer pid, int restartCount,
                              Instant startTime, Instant finishTime, Integer exitCode, Integer exitSignal,
                              boolean oomKilled, String reason, String message, Instant nextRestartAt,
                              String logPath, String cgroupPath, String image, GroupStatus.Usage usage, Pull pull) {

    /**
     * How far the pull of the container's image has come.
     *
     * @param totalBytes the size of the image, 0 when not known
     */
    public record Pull(long doneBytes, long totalBytes) {}

    public static ContainerStatus notCreated(String name, String containerdId) {
        return new ContainerStatus(name, containerdId, ContainerState.NotCreated, null, 0, null, null, null, null,
                false, null, null, null, null, null, null, null, null);
    }

    public ContainerStatus withUsage(GroupStatus.Usage u) {
        return new ContainerStatus(name, containerdId, state, pid, restartCount, startTime, finishTime, exitCode,
                exitSignal, oomKilled, reason, message, nextRestartAt, logPath, cgroupPath, image, u, pull);
    }

    public ContainerStatus withReason(String newReason, String newMessage) {
        return new ContainerStatus(name, containerdId, state, pid, restartCount, startTime, finishTime, exitCode,
                exitSignal, oomKilled, newReason, newMessage, nextRestartAt, logPath, cgroupPath, image, usage, pull);
    }

    /** The signal number for a shell-style exit code (128 + n), or null. */
    public static Integer signalOf(Integer exitCode) {
        return exitCode != null && exitCode > 128 && exitCode <= 192 ? exitCode - 128 : null;
    }
}
