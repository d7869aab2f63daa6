package io.kukeon.runtime.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A response body that is cut off when no byte arrives for the stall timeout: the HTTP client's
 * own timeout ends at the response headers, so a registry that stalls mid-body would otherwise
 * hold the pulling thread for ever. Only stalls count: a large layer that keeps arriving, however
 * slowly, is read to its end. A failed read is thrown as the failure the caller maps it to (a
 * registry failure, not one of whoever reads the stream), a stall as an {@link HttpTimeoutException}.
 */
final class StallGuardedStream extends FilterInputStream {
    /** One daemon thread watches every download; its checks only look at a clock and close a stream. */
    private static final ScheduledThreadPoolExecutor WATCH = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "kukeon-registry-stall-watch");
        t.setDaemon(true);
        return t;
    });

    static {
        WATCH.setRemoveOnCancelPolicy(true);   // a finished download leaves no check behind
    }

    private final Duration stall;
    private final Function<IOException, RuntimeException> failure;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean stalled;
    private volatile boolean closed;
    private volatile ScheduledFuture<?> check;

    StallGuardedStream(InputStream in, Duration stall, Function<IOException, RuntimeException> failure) {
        super(in);
        this.stall = stall;
        this.failure = failure;
        scheduleCheck(stall.toNanos());
    }

    private void scheduleCheck(long delayNanos) {
        if (!closed) {
            check = WATCH.schedule(this::checkProgress, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void checkProgress() {
        long quiet = System.nanoTime() - lastProgressNanos;
        if (quiet < stall.toNanos()) {
            scheduleCheck(stall.toNanos() - quiet);
            return;
        }
        stalled = true;
        try {
            in.close();   // ends the blocked read
        } catch (IOException ignored) {
            // closing is how the stalled read is ended; nothing else to do
        }
    }

    @Override
    public int read() {
        try {
            int b = super.read();
            lastProgressNanos = System.nanoTime();
            return b;
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) {
        try {
            int n = super.read(b, off, len);
            lastProgressNanos = System.nanoTime();
            return n;
        } catch (IOException e) {
            throw failed(e);
        }
    }

    private RuntimeException failed(IOException e) {
        return failure.apply(stalled ? new HttpTimeoutException(null) : e);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        ScheduledFuture<?> pending = check;
        if (pending != null) {
            pending.cancel(false);
        }
        super.close();
    }
}
