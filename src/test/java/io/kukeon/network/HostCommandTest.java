package io.kukeon.network;

import io.kukeon.testing.NetworkNamespaces;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("network")
class HostCommandTest {
    private static final int RUNS_AT_ONCE = 24;
    private final HostCommand here = new HostCommand(null, Duration.ofSeconds(10));

    @Test
    void givesTheToolItsInputAndEnvironmentAndKeepsBothOutputs() throws Exception {
        HostCommand.Result result = here.run(List.of("sh", "-c", "cat; printf ' %s' \"$KUKEON_X\"; echo oops >&2; exit 3"),
                Map.of("KUKEON_X", "env"), "input".getBytes(StandardCharsets.UTF_8));

        assertEquals(3, result.exitCode());
        assertEquals("input env", result.stdout());
        assertEquals("oops\n", result.stderr());
    }

    @Test
    void killsAToolThatOutlivesItsTimeout() {
        HostCommand quick = new HostCommand(null, Duration.ofMillis(300));
        long started = System.nanoTime();

        assertThrows(HostCommand.HostCommandTimeout.class, () -> quick.run(List.of("sleep", "30"), Map.of(), new byte[0]));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
    }

    /** Regression: a child holding the tool's output open kept run() waiting past the timeout until the child ended. */
    @Test
    void killsWhatTheToolStartedAtItsTimeout() {
        HostCommand quick = new HostCommand(null, Duration.ofMillis(300));
        long started = System.nanoTime();

        assertThrows(HostCommand.HostCommandTimeout.class, () -> quick.run(List.of("sh", "-c", "sleep 30; echo late"), Map.of(), new byte[0]));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
    }

    /**
     * Regression: once the watchdog killed the tool's child, the tool could print and end before the
     * watchdog killed it too, and run() returned that output as a result. Many runs at once widen the
     * window that a single run (above) hits only now and then.
     */
    @Test
    void aToolThatEndsWhileBeingKilledStillTimesOut() throws Exception {
        HostCommand quick = new HostCommand(null, Duration.ofMillis(300));
        ExecutorService pool = Executors.newFixedThreadPool(RUNS_AT_ONCE);
        try {
            List<Future<HostCommand.Result>> runs = new ArrayList<>();
            for (int i = 0; i < RUNS_AT_ONCE; i++) {
                runs.add(pool.submit(() -> quick.run(List.of("sh", "-c", "sleep 30; echo late"), Map.of(), new byte[0])));
            }
            for (Future<HostCommand.Result> run : runs) {
                ExecutionException ended = assertThrows(ExecutionException.class, () -> run.get(20, TimeUnit.SECONDS));
                assertInstanceOf(HostCommand.HostCommandTimeout.class, ended.getCause());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cutsOutputAtItsLimit() throws Exception {
        HostCommand.Result result = here.run(List.of("head", "-c", String.valueOf(3 * HostCommand.MAX_OUTPUT_BYTES), "/dev/zero"),
                Map.of(), new byte[0]);

        assertEquals(0, result.exitCode());
        assertEquals(HostCommand.MAX_OUTPUT_BYTES, result.stdout().length());
    }

    @Test
    void oneLineFoldsAToolsComplaintAndCutsItAtTheLimit() {
        assertEquals("iptables-restore v1.8.9 (nf_tables): line 3: RULE_APPEND failed (No such file or directory)",
                HostCommand.oneLine("iptables-restore v1.8.9 (nf_tables): \nline 3:   RULE_APPEND failed (No such file or directory)\n"));
        String cut = HostCommand.oneLine("x".repeat(3 * HostCommand.MAX_MESSAGE_CHARS));
        assertEquals("x".repeat(HostCommand.MAX_MESSAGE_CHARS) + "…", cut);
    }

    /** Real: a namespace this test makes has only its loopback, whatever the host has. */
    @Test
    void runsInTheNetworkNamespaceItIsGiven() throws Exception {
        try (NetworkNamespaces namespaces = new NetworkNamespaces("hc")) {
            HostCommand inside = new HostCommand(namespaces.create("ns").path, Duration.ofSeconds(10));
            HostCommand.Result links = inside.run(List.of("ip", "-o", "link", "show"), Map.of(), new byte[0]);

            assertEquals(0, links.exitCode(), links.stderr());
            assertEquals(1, links.stdout().lines().count(), links.stdout());
            assertTrue(links.stdout().contains(": lo:"), links.stdout());
        }
    }
}
