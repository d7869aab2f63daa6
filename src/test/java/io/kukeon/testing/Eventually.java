package io.kukeon.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** Polls until something happens, for tests against real components that take their time. */
public final class Eventually {
    private Eventually() {}

    /**
     * The first non-null value {@code value} gives within {@code timeout}, polled every 100 ms;
     * an exception counts as "not yet" and is the cause of the failure when time runs out.
     */
    public static <T> T value(String what, Duration timeout, Callable<T> value) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                T v = value.call();
                if (v != null) {
                    return v;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " did not happen within " + timeout.toSeconds() + " s", last);
    }
}
