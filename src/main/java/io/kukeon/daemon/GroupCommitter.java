package io.kukeon.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Durable writes with group commit: one thread takes every write that has gathered, commits them in
 * one transaction, syncs the store once, and only then completes their futures. Writers that arrive
 * while a sync runs share the next one, so a sync's cost is spread over all of them.
 *
 * <p>A group whose transaction fails is written again one write per transaction, so that a bad
 * write (a duplicate row) fails alone. A failed sync fails every write of its group. Writes are
 * committed in the order they were submitted. The queue is bounded: a write it cannot take is
 * refused at once. A write not synced within the timeout fails; if it was still queued it is never
 * written, else its outcome is unknown, as with any write whose answer was lost.
 *
 * @param <W> one write: what one caller waits for
 */
final class GroupCommitter<W> implements AutoCloseable {
    /** The store the group commits to. */
    interface Store<W> {
        /** Writes these in one transaction and commits it (not yet synced). */
        void commit(List<W> writes) throws Exception;

        /** Forces everything committed so far to stable storage. */
        void sync() throws Exception;
    }

    /** How soon the writer notices {@link #close()} while idle. */
    private static final long CLOSE_CHECK_MS = 200;
    private static final String STOPPED = "the journal's writer is stopped";

    private record Pending<W>(W write, CompletableFuture<Void> done) {}

    private final Store<W> store;
    private final BlockingQueue<Pending<W>> queue;
    private final Duration timeout;
    private final Thread thread;
    /** Fails a write at its timeout; the timer is cancelled when the write completes first. */
    private final ScheduledThreadPoolExecutor timers;
    private volatile boolean closed;

    /**
     * @param threadName the writer thread's name
     * @param capacity   writes that may wait at most; one more is refused
     * @param timeout    how long a write may take from submission to sync
     */
    GroupCommitter(String threadName, Store<W> store, int capacity, Duration timeout) {
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.timeout = timeout;
        this.timers = new ScheduledThreadPoolExecutor(1, r -> daemon(r, threadName + "-timeout"));
        timers.setRemoveOnCancelPolicy(true);   // a write that completes in time leaves nothing behind
        this.thread = daemon(this::run, threadName);
        thread.start();
    }

    /** Completes once {@code write} is committed and synced; fails when it was refused, failed or timed out. */
    CompletableFuture<Void> submit(W write) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ScheduledFuture<?> timer;
        try {
            if (closed) {
                throw new RejectedExecutionException(STOPPED);
            }
            timer = timers.schedule(() -> done.completeExceptionally(new TimeoutException(
                    "the journal did not write and sync within " + timeout.toMillis() + " ms")), timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {   // also the timers', shut down by a close() racing this
            done.completeExceptionally(new RejectedExecutionException(STOPPED));
            return done;
        }
        done.whenComplete((ok, failure) -> timer.cancel(false));
        if (!queue.offer(new Pending<>(write, done))) {
            done.completeExceptionally(new RejectedExecutionException("the journal's write queue is full ("
                    + queue.size() + " writes wait for the disk)"));
        }
        return done;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void run() {
        List<Pending<W>> group = new ArrayList<>();
        while (!closed) {
            try {
                // polled, never interrupted: an interrupt inside H2's file I/O would close the database
                Pending<W> first = queue.poll(CLOSE_CHECK_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            queue.drainTo(group);
            group.removeIf(p -> p.done().isDone());   // timed out while queued: nobody waits for it
            if (!group.isEmpty()) {
                try {
                    commitAndSync(group);
                } catch (RuntimeException | Error broken) {
                    // never let the one writer thread die (H2 answers a file it could not write with
                    // AssertionErrors): this group fails, the next one is tried afresh
                    group.forEach(p -> p.done().completeExceptionally(broken));
                }
            }
            group.clear();
        }
        failQueued();
    }

    private void commitAndSync(List<Pending<W>> group) {
        List<Pending<W>> committed = new ArrayList<>(group.size());
        try {
            store.commit(writes(group));
            committed.addAll(group);
        } catch (Exception | AssertionError groupFailure) {
            if (group.size() == 1) {
                group.get(0).done().completeExceptionally(groupFailure);
            } else {
                for (Pending<W> p : group) {   // one by one, so that only the bad write fails
                    try {
                        store.commit(List.of(p.write()));
                        committed.add(p);
                    } catch (Exception | AssertionError e) {
                        p.done().completeExceptionally(e);
                    }
                }
            }
        }
        if (committed.isEmpty()) {
            return;
        }
        try {
            store.sync();
        } catch (Exception | AssertionError syncFailure) {
            committed.forEach(p -> p.done().completeExceptionally(syncFailure));
            return;
        }
        committed.forEach(p -> p.done().complete(null));
    }

    private static <W> List<W> writes(List<Pending<W>> group) {
        List<W> writes = new ArrayList<>(group.size());
        group.forEach(p -> writes.add(p.write()));
        return writes;
    }

    private void failQueued() {
        List<Pending<W>> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.done().completeExceptionally(new RejectedExecutionException(STOPPED)));
    }

    /** Stops taking writes; those still queued fail; the group being written finishes. */
    @Override
    public void close() {
        closed = true;
        timers.shutdown();
    }
}

