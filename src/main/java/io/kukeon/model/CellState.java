package io.kukeon.model;

/** The state of a cell, derived from its intent and from what its containers do (ordinals as the reference). */
public enum CellState {
    /** Recorded, never started. */
    Pending,
    /** The root runs and every workload is active. */
    Ready,
    /** Stopped or killed by the operator. */
    Stopped,
    /** Our own bring-up failed (image, runtime, cgroup); sticky until start or delete. */
    Failed,
    /** Cannot be observed right now. */
    Unknown,
    /** Every workload exited 0. */
    Exited,
    /** A workload exited non-zero and will not be restarted; sticky until start or delete. */
    Error,
    /** The root runs but some workload is down or waiting for a restart. */
    Degraded,
    /** In a fleet: its node was downed, and the cell may not move to another (a kukeond alone never says it). */
    Lost;

    public boolean isSticky() {
        return this == Failed || this == Error;
    }
}
