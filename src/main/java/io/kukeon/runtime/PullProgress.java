package io.kukeon.runtime;

/** Told how far a pull has come. Called from the pulling thread. */
@FunctionalInterface
public interface PullProgress {
    PullProgress NONE = (done, total) -> {};

    /** {@code done} of {@code total} bytes are in; a total of 0 is not known yet. */
    void bytes(long done, long total);

    /** The pull has not started: it waits its turn, for the reason given. */
    default void waiting(String why) {}
}
