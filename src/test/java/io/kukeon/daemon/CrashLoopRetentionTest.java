package io.kukeon.daemon;

import io.kukeon.api.Docs;
import io.kukeon.api.RetentionPolicy;
import io.kukeon.model.RestartPolicy;
import io.kukeon.testing.Specs;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A container that crash-loops thousands of times (fake runtime) leaves, once its events are older than
 * the retention, a journal of a bounded number of rows, and a recovery that replays no more than
 * one snapshot interval: the container comes back with its whole count of restarts.
 */
class CrashLoopRetentionTest {
    private static final String NS = "r.kukeon.io";
    private static final String CONTAINER = "Container|r/s/t/loop/app";
    /**
     * 1,000 by default (10 snapshot intervals; each restart costs the fake runtime's loop ~10-25 ms, so
     * 10,000 would take minutes of CI); {@code -Dkukeon.test.crash-loop-restarts=10000} runs the issue's
     * figure, with the same bound.
     */
    private static final int RESTARTS = Integer.getInteger("kukeon.test.crash-loop-restarts", 1_000);

    @TempDir
    Path dataDir;

    @Test
    void tenThousandRestartsLeaveABoundedJournal() throws Exception {
        long started = System.nanoTime();
        RetentionPolicy policy = new RetentionPolicy(Duration.ofDays(30), 100);
        int snapshotEvery = 100;
        try (TestDaemon daemon = new TestDaemon(dataDir, Map.of("restart.initial-backoff", "1ms", "restart.max-backoff", "1ms"))) {
            Docs.createStack(daemon.client(), "r/s/t");
            daemon.client().create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/loop", Map.of(),
                    Specs.container("app").args("sleep").restart(RestartPolicy.ALWAYS).build())).build());
            daemon.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/loop").build());
            Docs.judged(daemon.client(), "r/s/t/loop");   // an exit within the startup grace would fail the cell
            int pid = 0;
            for (int restart = 1; restart <= RESTARTS; restart++) {
                pid = awaitNewTask(daemon, pid);   // watched in the fake runtime itself: no API call per restart
                daemon.runtime.exit(NS, "s_t_loop_app", 1);
            }
            awaitRestarts(daemon, RESTARTS);
            System.out.println("crash loop: " + RESTARTS + " restarts in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            daemon.stop();

            JournalSettings journal = JournalSettings.h2(dataDir.resolve("journal").resolve("kukeon"), 1);
            long written;
            try (Connection c = journal.connect()) {
                written = rows(c, CONTAINER);
                assertTrue(written >= RESTARTS, "each restart journaled: " + written);
                System.out.println("crash loop: " + written + " rows of the container");
                Clock monthLater = Clock.fixed(Instant.now().plus(Duration.ofDays(31)), java.time.ZoneOffset.UTC);
                new JournalRetention(journal::connect, policy, monthLater, new H2Compaction(journal::connect)).sweep();
                long kept = rows(c, CONTAINER);
                System.out.println("crash loop: " + kept + " rows of the container after the sweep");
                assertTrue(kept <= policy.keepPerObject() + snapshotEvery, "bounded: " + written + " -> " + kept + " rows");
                assertTrue(afterNewestSnapshot(c, CONTAINER) <= snapshotEvery,
                        "a recovery replays at most one snapshot interval, whatever the history");
                assertTrue(RetentionScenario.count(c, "SELECT COUNT(*) FROM \"event_journal\"") <= 10L * (policy.keepPerObject() + snapshotEvery),
                        "the whole journal is bounded too");
            }

            daemon.start();
            ObjectDoc app = daemon.client().get(GetRequest.newBuilder().setKind("Container").setPath("r/s/t/loop/app").build()).getObject();
            assertTrue(app.getStatus().getContainer().getRestartCount() >= RESTARTS,
                    "recovered from the snapshot and the events after it: " + app.getStatus());
            daemon.runtime.exit(NS, "s_t_loop_app", 1);
            awaitRestarts(daemon, app.getStatus().getContainer().getRestartCount() + 1);   // and it journals on from where it was
        }
    }

    private static void awaitRestarts(TestDaemon daemon, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            ObjectDoc d = daemon.client().get(GetRequest.newBuilder().setKind("Container").setPath("r/s/t/loop/app").build()).getObject();
            if (d.getStatus().getContainer().getRestartCount() >= count) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never restarted " + count + " times: " + d.getStatus());
            }
            Thread.sleep(50);
        }
    }

    /** The pid of the container's running task once it is not {@code previous}. */
    private static int awaitNewTask(TestDaemon daemon, int previous) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            var task = daemon.runtime.container(NS, "s_t_loop_app").task();
            if (task.status() == io.kukeon.runtime.TaskInfo.Status.RUNNING && task.pid() != previous) {
                return task.pid();
            }
            Thread.sleep(0, 200_000);
        }
        throw new AssertionError("no task after pid " + previous);
    }

    private static long rows(Connection c, String id) throws Exception {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static long afterNewestSnapshot(Connection c, String id) throws Exception {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" = ? "
                + "AND \"sequence_number\" > (SELECT MAX(\"sequence_number\") FROM \"snapshot\" WHERE \"persistence_id\" = ?)")) {
            s.setString(1, id);
            s.setString(2, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
