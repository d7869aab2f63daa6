package io.kukeon.runtime;

/** Told how far a pull has come. Called from the pulling thread. */
@FunctionalInterface
public interface PullProgress {
    PullProgress NONE = (done, total) -> {};

    void bytes(long done, long total);
}
