package io.kukeon.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bound of one apply's work in flight, with work that completes when the test says. */
class ApplySlotsTest {
    private static final Executor RIGHT_HERE = Runnable::run;

    @Test
    void noMoreThanTheLimitRunAtOnceAndTheOthersStartInTheirTurnAsSlotsFree() {
        ApplySlots slots = new ApplySlots(3, RIGHT_HERE);
        List<CompletableFuture<Integer>> pending = new ArrayList<>();
        List<Integer> started = new ArrayList<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            answers.add(slots.run(() -> {
                most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                started.add(n);
                CompletableFuture<Integer> work = new CompletableFuture<>();
                pending.add(work);
                return work.whenComplete((v, e) -> inFlight.decrementAndGet());
            }));
        }
        assertEquals(List.of(0, 1, 2), started, "three start, seven wait");
        pending.get(1).complete(1);
        assertEquals(List.of(0, 1, 2, 3), started, "a free slot goes to the first that waits");
        assertTrue(answers.get(1).isDone());
        assertFalse(answers.get(0).isDone());
        for (int i = 0; i < 10; i++) {
            pending.get(i).complete(i);
        }
        assertEquals(10, started.size());
        assertEquals(3, most.get());
        for (int i = 0; i < 10; i++) {
            assertEquals(i, answers.get(i).join());
        }
    }

    @Test
    void workThatFailsOrThrowsGivesItsSlotBackAndItsAnswerFails() {
        ApplySlots slots = new ApplySlots(1, RIGHT_HERE);
        CompletableFuture<Object> thrown = slots.run(() -> {
            throw new IllegalStateException("at once");
        });
        CompletableFuture<Object> failed = slots.run(() -> CompletableFuture.failedFuture(new IllegalStateException("later")));
        CompletableFuture<String> next = slots.run(() -> CompletableFuture.completedFuture("ran"));

        assertTrue(thrown.isCompletedExceptionally());
        assertTrue(failed.isCompletedExceptionally());
        assertEquals("ran", next.join());
    }

    @Test
    void aLongRunOfWorkDoneAtOnceDoesNotNestOneStartInAnother() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            ApplySlots slots = new ApplySlots(1, pool);
            CompletableFuture<Void> gate = new CompletableFuture<>();
            CompletableFuture<Void> first = slots.run(() -> gate);
            List<CompletableFuture<Integer>> rest = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                int n = i;
                rest.add(slots.run(() -> CompletableFuture.completedFuture(n)));
            }
            gate.complete(null);   // each release hands the next start to the pool: no recursion 20,000 deep

            first.join();
            assertEquals(19_999, rest.get(19_999).get(1, TimeUnit.MINUTES));
        } finally {
            pool.shutdownNow();
        }
    }
}
