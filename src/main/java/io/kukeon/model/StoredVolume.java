package io.kukeon.model;

import java.time.Instant;

/** A Volume as its scope holds it: its reclaim policy, and when it was first put and last changed. */
public record StoredVolume(ReclaimPolicy reclaimPolicy, Instant createdAt, Instant updatedAt) {

    public StoredVolume {
        reclaimPolicy = reclaimPolicy == null ? ReclaimPolicy.Delete : reclaimPolicy;
    }

    /** This volume with a new policy put at {@code at}. */
    public StoredVolume updated(ReclaimPolicy policy, Instant at) {
        return new StoredVolume(policy, createdAt, at);
    }
}
