package io.kukeon.runtime;

import io.kukeon.model.UnavailableException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskSweepsTest {
    private static final TaskInfo RUNNING = new TaskInfo(TaskInfo.Status.RUNNING, 42, null, null);
    private static final TaskInfo STOPPED = new TaskInfo(TaskInfo.Status.STOPPED, 42, 0, null);

    @Test
    void lookupsThatComeTogetherShareOneListBegunAfterTheyAsked() throws Exception {
        AtomicInteger lists = new AtomicInteger();
        CountDownLatch firstListBegun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TaskSweeps sweeps = new TaskSweeps(namespace -> {
            int n = lists.incrementAndGet();
            if (n == 1) {
                firstListBegun.countDown();
                await(release);   // the first list is slow: the lookups meanwhile wait for one after it
            }
            Map<String, TaskInfo> out = new HashMap<>();
            for (int i = 0; i < 200; i++) {
                out.put("c" + i, n == 1 ? STOPPED : RUNNING);
            }
            return out;
        }, namespace -> {
            throw new AssertionError("every container looked up has a task: no list of containers");
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);   // far fewer threads than lookups
        try {
            CompletableFuture<TaskInfo> first = sweeps.task("ns", "c0", pool);
            assertTrue(firstListBegun.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<TaskInfo>> later = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                later.add(sweeps.task("ns", "c" + i, pool));
            }
            release.countDown();
            assertSame(STOPPED, first.get(10, TimeUnit.SECONDS));
            for (CompletableFuture<TaskInfo> f : later) {
                assertSame(RUNNING, f.get(10, TimeUnit.SECONDS), "what a list begun after the lookup shows");
            }
            assertEquals(2, lists.get(), "one list for the first lookup, one for the 200 that came while it ran");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aContainerWithoutTaskIsListedOnlyWhenAskedForAndOneTheListsLackIsNull() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            AtomicInteger containerLists = new AtomicInteger();
            TaskSweeps sweeps = new TaskSweeps(namespace -> {
                if (namespace.equals("down")) {
                    throw new UnavailableException("containerd", "connection refused");
                }
                return Map.of("c0", RUNNING);
            }, namespace -> {
                containerLists.incrementAndGet();
                return Set.of("c0", "idle");
            });
            assertSame(RUNNING, sweeps.task("ns", "c0", pool).join());
            assertEquals(0, containerLists.get(), "a lookup whose task is listed needs no list of containers");
            assertSame(TaskInfo.NO_TASK, sweeps.task("ns", "idle", pool).join(), "a container listed without a task");
            assertNull(sweeps.task("ns", "elsewhere", pool).join());
            assertEquals(2, containerLists.get());
            CompletionException down = assertThrows(CompletionException.class, () -> sweeps.task("down", "c0", pool).join());
            assertInstanceOf(UnavailableException.class, down.getCause());
            assertInstanceOf(UnavailableException.class, assertThrows(CompletionException.class,
                    () -> sweeps.task("down", "c0", pool).join()).getCause(), "a new list fails again");
            assertSame(RUNNING, sweeps.task("ns", "c0", pool).join());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
