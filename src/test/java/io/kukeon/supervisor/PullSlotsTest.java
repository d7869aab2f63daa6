package io.kukeon.supervisor;

import io.kukeon.runtime.PullProgress;
import io.kukeon.runtime.RuntimeFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PullSlotsTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
    }

    /** A pull that holds its slot until the test releases it. */
    private String hangingPull() {
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.decrementAndGet();
        }
        return "pulled";
    }

    private static final class Told implements PullProgress {
        final List<String> waits = new CopyOnWriteArrayList<>();
        final List<long[]> bytes = new CopyOnWriteArrayList<>();

        @Override
        public void bytes(long done, long total) {
            bytes.add(new long[] {done, total});
        }

        @Override
        public void waiting(String why) {
            waits.add(why);
        }
    }

    @Test
    void pullsBeyondTheLimitOfARegistryWaitAndSayWhyThenRunInTurn() throws Exception {
        PullSlots slots = new PullSlots(new PullSlots.Limits(2, 10, Duration.ofSeconds(30)));
        List<CompletableFuture<String>> pulls = new java.util.ArrayList<>();
        List<Told> told = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Told t = new Told();
            told.add(t);
            pulls.add(slots.run("Hung.example:5000", this::hangingPull, pool, t));
        }
        Thread.sleep(300);
        assertEquals(2, running.get(), "two slots for the registry");
        assertTrue(told.get(0).waits.isEmpty() && told.get(1).waits.isEmpty());
        assertEquals(List.of("waiting for one of 2 pull slots of registry Hung.example:5000 (0 ahead)"), told.get(2).waits);
        assertEquals(List.of("waiting for one of 2 pull slots of registry Hung.example:5000 (2 ahead)"), told.get(4).waits);
        assertTrue(told.get(4).bytes.isEmpty(), "a waiting pull has not started");

        Told other = new Told();
        assertEquals("other", slots.run("other.example", () -> "other", pool, other).get(5, TimeUnit.SECONDS),
                "another registry is not held up");
        assertTrue(other.waits.isEmpty());

        release.countDown();
        for (CompletableFuture<String> pull : pulls) {
            assertEquals("pulled", pull.get(10, TimeUnit.SECONDS));
        }
        assertEquals(2, mostAtOnce.get(), "never more than the limit at once");
        assertEquals(0, told.get(4).bytes.get(0)[0], "once its turn came, it told that it runs");
    }

    @Test
    void aPullThatWaitsTooLongFailsWithAClearReasonAndLeavesTheQueue() throws Exception {
        PullSlots slots = new PullSlots(new PullSlots.Limits(1, 10, Duration.ofMillis(500)));
        CompletableFuture<String> first = slots.run("hung.example", this::hangingPull, pool, PullProgress.NONE);
        CompletableFuture<String> second = slots.run("hung.example", this::hangingPull, pool, PullProgress.NONE);
        ExecutionException e = assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
        RuntimeFailure f = assertInstanceOf(RuntimeFailure.class, e.getCause());
        assertEquals(PullSlots.REGISTRY_BUSY, f.kind());
        assertEquals("waited 500 ms for one of 1 pull slots of registry hung.example: the pulls before it have not finished",
                f.getMessage());
        release.countDown();
        assertEquals("pulled", first.get(10, TimeUnit.SECONDS));
        assertEquals(1, mostAtOnce.get(), "the one that gave up never ran");
    }

    @Test
    void aFullQueueRefusesAtOnce() throws Exception {
        PullSlots slots = new PullSlots(new PullSlots.Limits(1, 1, Duration.ofSeconds(30)));
        slots.run("hung.example", this::hangingPull, pool, PullProgress.NONE);
        CompletableFuture<String> queued = slots.run("hung.example", this::hangingPull, pool, PullProgress.NONE);
        CompletableFuture<String> refused = slots.run("hung.example", this::hangingPull, pool, PullProgress.NONE);
        assertTrue(refused.isCompletedExceptionally());
        ExecutionException e = assertThrows(ExecutionException.class, refused::get);
        assertEquals("registry hung.example is busy: 1 pulls from it run and 1 wait already; try again later",
                e.getCause().getMessage());
        assertFalse(queued.isDone());
    }

    @Test
    void aCancelledWaitLeavesTheQueueAndTheNextInLineTakesTheSlot() throws Exception {
        PullSlots slots = new PullSlots(new PullSlots.Limits(1, 1, Duration.ofSeconds(30)));
        CompletableFuture<String> first = slots.run("hung.example", this::hangingPull, pool, PullProgress.NONE);
        AtomicInteger ranAfterCancel = new AtomicInteger();
        CompletableFuture<String> gaveUp = slots.run("hung.example", () -> "never" + ranAfterCancel.incrementAndGet(),
                pool, PullProgress.NONE);
        assertTrue(gaveUp.cancel(false));
        // the queue (of one) has room again: a full one would refuse at once
        CompletableFuture<String> next = slots.run("hung.example", () -> "next", pool, PullProgress.NONE);
        assertFalse(next.isDone());
        release.countDown();
        assertEquals("pulled", first.get(10, TimeUnit.SECONDS));
        assertEquals("next", next.get(10, TimeUnit.SECONDS), "the slot went to the one still waiting");
        assertEquals(0, ranAfterCancel.get(), "the cancelled pull never ran");
    }
}
