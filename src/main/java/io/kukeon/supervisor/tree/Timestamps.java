package io.kukeon.supervisor.tree;

import java.time.Instant;

/** When a level was created, last changed, and first became ready (null: not yet). */
public record Timestamps(Instant createdAt, Instant updatedAt, Instant readyAt) {
    public static final Timestamps NONE = new Timestamps(null, null, null);

    public static Timestamps createdAt(Instant at) {
        return new Timestamps(at, at, null);
    }

    public Timestamps touched(Instant at) {
        return new Timestamps(createdAt, at, readyAt);
    }

    /** Touched at {@code at}; ready from then unless it was before. */
    public Timestamps ready(Instant at) {
        return new Timestamps(createdAt, at, readyAt == null ? at : readyAt);
    }
}
