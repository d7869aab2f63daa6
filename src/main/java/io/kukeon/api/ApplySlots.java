package io.kukeon.api;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * At most {@code limit} pieces of work of one apply in flight, from their start until their stage
 * completes; the others wait their turn, first come first served (at most one per document, so
 * the queue is bounded by the manifest's document count). Each piece starts on {@code executor}:
 * a long run of documents that complete at once never nests one inside the other's completion.
 */
final class ApplySlots {
    private final int limit;
    private final Executor executor;
    private final Queue<Runnable> waiting = new ArrayDeque<>();
    private int running;

    ApplySlots(int limit, Executor executor) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit + " < 1");
        }
        this.limit = limit;
        this.executor = executor;
    }

    /** Runs {@code work} once a slot is free; the answer completes as its stage does. */
    <T> CompletableFuture<T> run(Supplier<? extends CompletionStage<T>> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Runnable start = () -> {
            try {
                executor.execute(() -> startNow(work, done));
            } catch (RejectedExecutionException shuttingDown) {
                release();
                done.completeExceptionally(shuttingDown);
            }
        };
        boolean now;
        synchronized (this) {
            now = running < limit;
            if (now) {
                running++;
            } else {
                waiting.add(start);
            }
        }
        if (now) {
            start.run();
        }
        return done;
    }

    private <T> void startNow(Supplier<? extends CompletionStage<T>> work, CompletableFuture<T> done) {
        CompletionStage<T> stage;
        try {
            stage = work.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((value, error) -> {
            release();
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(value);
            }
        });
    }

    private void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                running--;
            }
        }
        if (next != null) {
            next.run();   // the slot passes to the next in line as it is
        }
    }
}
