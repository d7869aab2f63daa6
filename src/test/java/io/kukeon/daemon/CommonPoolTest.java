package io.kukeon.daemon;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kukeond's callbacks of converted Scala futures run on CompletableFuture's default executor;
 * on a host of two cores or fewer that is a new thread per callback unless kukeond widens the
 * common pool first. Checked in a fresh JVM without the test run's setting.
 */
class CommonPoolTest {

    /** Starts as kukeond's main does, then reports the thread CompletableFuture's default executor runs a task on. */
    public static void main(String[] args) {
        Kukeond.ensureCommonPool();
        System.out.println(CompletableFuture.supplyAsync(() -> Thread.currentThread().getName()).join());
    }

    @Test
    void callbacksRunOnPooledThreadsAfterKukeondStarts() throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CommonPoolTest.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("ForkJoinPool.commonPool-worker-"), "a pooled thread, not a new one per task: " + out);
    }
}
