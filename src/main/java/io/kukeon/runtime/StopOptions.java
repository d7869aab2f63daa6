package io.kukeon.runtime;

import java.time.Duration;

/**
 * @param signal  sent first (default SIGTERM)
 * @param timeout how long to wait for the exit
 * @param force   after the timeout, SIGKILL every process of the task
 */
public record StopOptions(int signal, Duration timeout, boolean force) {
    public static final int SIGTERM = 15;
    public static final int SIGKILL = 9;

    public static StopOptions graceful(Duration timeout) {
        return new StopOptions(SIGTERM, timeout, true);
    }
}
