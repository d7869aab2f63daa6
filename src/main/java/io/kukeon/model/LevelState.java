package io.kukeon.model;

/** The state of a realm, space or stack. */
public enum LevelState {
    /** Recorded, not yet provisioned. */
    Pending,
    /** Its resources are being created. */
    Creating,
    /** Its cgroup (and, for a realm, its containerd namespace) exist. */
    Ready,
    /** A delete is in progress. */
    Deleting,
    /** Provisioning failed; the reason says why. */
    Failed,
    /** Cannot be observed right now (e.g. containerd unreachable). */
    Unknown
}
