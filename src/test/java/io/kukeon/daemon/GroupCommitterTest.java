package io.kukeon.daemon;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupCommitterTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    /**
     * A store that logs what it is told ("commit [a, b]", "sync"); a commit holding {@code "bad"}
     * fails, and the first commit waits for {@link #release} when {@link #hold} is set.
     */
    static final class RecordingStore implements GroupCommitter.Store<String> {
        final List<String> log = new ArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean hold;
        volatile boolean failSync;
        volatile long syncTakesMs;

        @Override
        public void commit(List<String> writes) throws Exception {
            if (hold) {
                hold = false;
                entered.countDown();
                release.await();
            }
            if (writes.contains("bad")) {
                throw new SQLException("duplicate key", "23505");
            }
            if (writes.contains("broken")) {
                throw new AssertionError("v=604 / cnt=0");   // how H2 answers after its file could not be written
            }
            synchronized (log) {
                log.add("commit " + writes);
            }
        }

        @Override
        public void sync() throws Exception {
            Thread.sleep(syncTakesMs);
            if (failSync) {
                failSync = false;
                throw new SQLException("No space left on device");
            }
            synchronized (log) {
                log.add("sync");
            }
        }

        List<String> log() {
            synchronized (log) {
                return List.copyOf(log);
            }
        }
    }

    private final RecordingStore store = new RecordingStore();
    private GroupCommitter<String> committer;

    @AfterEach
    void close() {
        if (committer != null) {
            committer.close();
        }
    }

    private GroupCommitter<String> committer(int capacity, Duration timeout) {
        committer = new GroupCommitter<>("test-journal-sync", store, capacity, timeout);
        return committer;
    }

    /** Holds the writer in the commit of {@code first}, so that what is submitted next gathers into one group. */
    private CompletableFuture<Void> holdWriterIn(String first) throws InterruptedException {
        store.hold = true;
        CompletableFuture<Void> f = committer.submit(first);
        assertTrue(store.entered.await(30, TimeUnit.SECONDS), "the writer took " + first);
        return f;
    }

    @Test
    void anAssertionErrorOfTheStoreFailsItsWriteAndTheWriterGoesOn() throws Exception {
        committer(100, LONG);
        CompletableFuture<Void> broken = committer.submit("broken");
        ExecutionException e = assertThrows(ExecutionException.class, () -> broken.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof AssertionError, String.valueOf(e.getCause()));

        committer.submit("after").get(30, TimeUnit.SECONDS);
        assertEquals(List.of("commit [after]", "sync"), store.log());
    }

    @Test
    void writesAreCommittedInOrderAndAnsweredOnlyAfterASync() throws Exception {
        committer(100, LONG);
        store.hold = true;   // nothing is answered before every callback is in place
        List<CompletableFuture<Void>> done = new ArrayList<>();
        List<String> seenWhenAnswered = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            done.add(committer.submit("w" + i).thenRun(() -> {
                List<String> log = store.log();
                synchronized (seenWhenAnswered) {
                    seenWhenAnswered.add(n + ":" + log.get(log.size() - 1));
                }
            }));
        }
        store.release.countDown();
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        List<String> committed = new ArrayList<>();
        for (String entry : store.log()) {
            if (entry.startsWith("commit ")) {
                committed.addAll(List.of(entry.substring("commit [".length(), entry.length() - 1).split(", ")));
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("w" + i);
        }
        assertEquals(expected, committed, "in the order submitted");
        assertEquals("sync", store.log().get(store.log().size() - 1));
        seenWhenAnswered.forEach(s -> assertTrue(s.endsWith(":sync"), "answered right after a sync: " + s));
    }

    @Test
    void writesThatGatherShareOneTransactionAndOneSync() throws Exception {
        committer(100, LONG);
        CompletableFuture<Void> first = holdWriterIn("first");
        List<CompletableFuture<Void>> gathered = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            gathered.add(committer.submit("g" + i));
        }
        store.release.countDown();
        first.get(30, TimeUnit.SECONDS);
        CompletableFuture.allOf(gathered.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        List<String> log = store.log();
        assertEquals(4, log.size(), log.toString());
        assertEquals(List.of("commit [first]", "sync"), log.subList(0, 2));
        assertTrue(log.get(2).startsWith("commit [g0, g1, ") && log.get(2).endsWith("g29]"), log.get(2));
        assertEquals("sync", log.get(3));
    }

    @Test
    void aBadWriteFailsAloneAndTheOthersOfItsGroupAreWritten() throws Exception {
        committer(100, LONG);
        CompletableFuture<Void> first = holdWriterIn("first");
        CompletableFuture<Void> a = committer.submit("a");
        CompletableFuture<Void> bad = committer.submit("bad");
        CompletableFuture<Void> c = committer.submit("c");
        store.release.countDown();
        first.get(30, TimeUnit.SECONDS);
        a.get(30, TimeUnit.SECONDS);
        c.get(30, TimeUnit.SECONDS);
        ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(30, TimeUnit.SECONDS));
        assertEquals("duplicate key", e.getCause().getMessage());
        assertEquals(List.of("commit [first]", "sync", "commit [a]", "commit [c]", "sync"), store.log(),
                "the group failed as one, then each was written alone; one sync for the two that were");
    }

    @Test
    void aFailedSyncFailsItsGroupAndNotTheNext() throws Exception {
        committer(100, LONG);
        CompletableFuture<Void> first = holdWriterIn("first");
        store.failSync = true;
        CompletableFuture<Void> second = committer.submit("second");
        CompletableFuture<Void> third = committer.submit("third");
        store.release.countDown();
        ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(30, TimeUnit.SECONDS));
        assertEquals("No space left on device", e.getCause().getMessage());
        second.get(30, TimeUnit.SECONDS);
        third.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("commit [first]", "commit [second, third]", "sync"), store.log());
    }

    @Test
    void aFullQueueRefusesAtOnce() throws Exception {
        committer(2, LONG);
        CompletableFuture<Void> first = holdWriterIn("first");
        CompletableFuture<Void> queued1 = committer.submit("q1");
        CompletableFuture<Void> queued2 = committer.submit("q2");
        CompletableFuture<Void> refused = committer.submit("q3");
        assertTrue(refused.isCompletedExceptionally(), "refused without waiting");
        ExecutionException e = assertThrows(ExecutionException.class, refused::get);
        assertInstanceOf(RejectedExecutionException.class, e.getCause());
        assertEquals("the journal's write queue is full (2 writes wait for the disk)", e.getCause().getMessage());
        store.release.countDown();
        first.get(30, TimeUnit.SECONDS);
        queued1.get(30, TimeUnit.SECONDS);
        queued2.get(30, TimeUnit.SECONDS);
        assertFalse(store.log().toString().contains("q3"), "a refused write is never written: " + store.log());
    }

    @Test
    void aWriteNotSyncedInTimeFailsAndOneThatTimedOutQueuedIsNeverWritten() throws Exception {
        committer(100, Duration.ofMillis(300));
        CompletableFuture<Void> slow = holdWriterIn("slow");
        CompletableFuture<Void> queued = committer.submit("queued");
        ExecutionException e = assertThrows(ExecutionException.class, () -> slow.get(30, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertEquals("the journal did not write and sync within 300 ms", e.getCause().getMessage());
        assertInstanceOf(TimeoutException.class, assertThrows(ExecutionException.class, () -> queued.get(30, TimeUnit.SECONDS)).getCause());
        store.release.countDown();
        committer.submit("after").get(30, TimeUnit.SECONDS);
        assertEquals(List.of("commit [slow]", "sync", "commit [after]", "sync"), store.log(),
                "the slow write's outcome was unknown when it timed out; the queued one was dropped");
    }

    @Test
    void closingFailsWhatIsQueuedAndRefusesMore() throws Exception {
        committer(100, LONG);
        CompletableFuture<Void> first = holdWriterIn("first");
        CompletableFuture<Void> queued = committer.submit("queued");
        committer.close();
        store.release.countDown();
        first.get(30, TimeUnit.SECONDS);   // the group being written finishes
        ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(30, TimeUnit.SECONDS));
        assertEquals("the journal's writer is stopped", e.getCause().getMessage());
        assertTrue(committer.submit("late").isCompletedExceptionally());
    }
}
