package io.kukeon.runtime;

import io.kukeon.model.UnavailableException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskSweepsTest {
    private static final TaskInfo RUNNING = new TaskInfo(TaskInfo.Status.RUNNING, 42, null, null);

    @Test
    void lookupsThatComeTogetherShareOneListMadeAfterTheyAsked() throws Exception {
        AtomicInteger lists = new AtomicInteger();
        CountDownLatch firstListBegun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TaskSweeps sweeps = new TaskSweeps(namespace -> {
            int n = lists.incrementAndGet();
            if (n == 1) {
                firstListBegun.countDown();
                await(release);   // the first list is slow: the lookups meanwhile wait for one after it
            }
            List<ObservedContainer> out = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                out.add(new ObservedContainer("c" + i, Map.of(), n == 1 ? TaskInfo.NO_TASK : RUNNING));
            }
            return out;
        });
        List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(20, r -> {
            Thread t = new Thread(r);
            threads.add(t);
            return t;
        });
        try {
            Future<TaskInfo> first = pool.submit(() -> sweeps.task("ns", "c0"));
            assertTrue(firstListBegun.await(10, TimeUnit.SECONDS));
            List<Future<TaskInfo>> later = new ArrayList<>();
            for (int i = 0; i < 19; i++) {
                String id = "c" + i;
                later.add(pool.submit(() -> sweeps.task("ns", id)));
            }
            // every lookup parked: the first in its list, the others waiting for it to end (joined already)
            while (threads.size() < 20 || !threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)) {
                Thread.sleep(10);
            }
            release.countDown();
            assertEquals(TaskInfo.Status.NO_TASK, first.get(10, TimeUnit.SECONDS).status());
            for (Future<TaskInfo> f : later) {
                assertSame(RUNNING, f.get(10, TimeUnit.SECONDS), "what a list begun after the lookup shows");
            }
            assertEquals(2, lists.get(), "one list for the first lookup, one for the 19 that came while it ran");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aContainerTheListLacksIsNullAndAFailedListFailsItsLookups() {
        TaskSweeps sweeps = new TaskSweeps(namespace -> {
            if (namespace.equals("down")) {
                throw new UnavailableException("containerd", "connection refused");
            }
            return List.of(new ObservedContainer("c0", Map.of(), RUNNING));
        });
        assertSame(RUNNING, sweeps.task("ns", "c0"));
        assertNull(sweeps.task("ns", "elsewhere"));
        assertThrows(UnavailableException.class, () -> sweeps.task("down", "c0"));
        assertThrows(UnavailableException.class, () -> sweeps.task("down", "c0"), "a new list, not the failed one's answer");
        assertSame(RUNNING, sweeps.task("ns", "c0"));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
