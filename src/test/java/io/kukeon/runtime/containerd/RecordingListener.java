package io.kukeon.runtime.containerd;

import io.kukeon.runtime.RuntimeListener;

import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Keeps what the event stream delivers, with the time it arrived, for tests to wait on. */
final class RecordingListener implements RuntimeListener {
    record Exit(String namespace, String containerdId, int pid, int exitCode, Instant exitedAt, Instant received) {}

    record Availability(boolean available, String reason) {}

    final BlockingQueue<Exit> exits = new LinkedBlockingQueue<>();
    final BlockingQueue<String> ooms = new LinkedBlockingQueue<>();
    final BlockingQueue<Availability> availability = new LinkedBlockingQueue<>();

    @Override
    public void taskExited(String namespace, String containerdId, int pid, int exitCode, Instant exitedAt) {
        exits.add(new Exit(namespace, containerdId, pid, exitCode, exitedAt, Instant.now()));
    }

    @Override
    public void taskOomKilled(String namespace, String containerdId) {
        ooms.add(namespace + "/" + containerdId);
    }

    @Override
    public void availabilityChanged(boolean available, String reason) {
        availability.add(new Availability(available, reason));
    }

    /** The next exit of that container, or null after the timeout. */
    Exit exitOf(String containerdId, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (true) {
            long left = deadline - System.nanoTime();
            Exit e = exits.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (e == null || e.containerdId().equals(containerdId)) {
                return e;
            }
        }
    }

    Availability nextAvailability(long timeoutMillis) throws InterruptedException {
        return availability.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
