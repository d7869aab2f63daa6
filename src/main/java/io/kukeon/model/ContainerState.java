package io.kukeon.model;

/** The state of one container, mapped from containerd (ordinals as the reference). */
public enum ContainerState {
    /** Task created, not started. */
    Pending,
    /** Task running. */
    Ready,
    /** Container record present, no task (stopped by us). */
    Stopped,
    Paused,
    Pausing,
    /** Our own bring-up failed. */
    Failed,
    /** Cannot be observed. */
    Unknown,
    /** No containerd container record. */
    NotCreated,
    /** Task exited 0. */
    Exited,
    /** Task exited non-zero. */
    Error;

    public boolean isActive() {
        return this == Ready || this == Pending || this == Paused || this == Pausing;
    }

    public boolean isTerminated() {
        return this == Exited || this == Error || this == Stopped || this == NotCreated || this == Failed;
    }
}
