package io.kukeon.daemon;

import io.kukeon.api.RetentionPolicy;
import io.kukeon.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retention sweep on an H2 journal: what goes and what stays, the file shrinking after, the index by time used. */
class JournalRetentionTest {
    /** 5 MB of events, nearly all of which the sweep deletes. */
    private static final int EVENTS = 5_000;

    @TempDir
    Path dir;

    private JournalSettings journal() {
        JournalSettings h2 = JournalSettings.h2(dir.resolve("kukeon"), 1);
        JournalSchema.apply(h2);
        return h2;
    }

    @Test
    void theSweepDeletesWhatNoRecoveryNeedsAndKeepsTheRest() throws Exception {
        JournalSettings h2 = journal();
        try (Connection c = h2.connect()) {
            RetentionScenario.write(c);
            JournalRetention.Sweep sweep = RetentionScenario.sweeper(h2::connect, null).sweep();
            RetentionScenario.assertTrimmed(c, sweep);
            assertEquals(new JournalRetention.Sweep(0, 0, 0, 0), RetentionScenario.sweeper(h2::connect, null).sweep(),
                    "a second sweep finds nothing more");
        }
    }

    @Test
    void aScheduledSweepWhileTheJournalCannotWriteIsSkippedAndOpensNoConnection() throws Exception {
        JournalSettings h2 = journal();
        try (Connection c = h2.connect()) {
            RetentionScenario.write(c);
            long before = RetentionScenario.count(c, "SELECT COUNT(*) FROM \"event_journal\"");
            java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
            Failing store = new Failing("a write failed at 2026-12-07T18:00:00Z: No space left on device");
            JournalRetention retention = new JournalRetention(() -> {
                opened.incrementAndGet();
                return h2.connect();
            }, RetentionScenario.POLICY, java.time.Clock.fixed(RetentionScenario.NOW, java.time.ZoneOffset.UTC),
                    new H2Compaction(h2::connect), store);
            assertEquals(JournalRetention.Outcome.SKIPPED, retention.sweepOnSchedule());
            assertEquals(0, opened.get(), "a skipped sweep does not touch the store");
            assertEquals(before, RetentionScenario.count(c, "SELECT COUNT(*) FROM \"event_journal\""));

            store.problem = null;   // the journal writes again: the next sweep runs
            assertEquals(JournalRetention.Outcome.SWEPT, retention.sweepOnSchedule());
            assertTrue(RetentionScenario.count(c, "SELECT COUNT(*) FROM \"event_journal\"") < before, "the sweep deleted");
        }
    }

    @Test
    void aSweepThatMeetsAStoreH2ClosedTellsTheJournalAndLeavesTheFileWhole() throws Exception {
        JournalSettings h2 = journal();
        long before;
        try (Connection c = h2.connect()) {
            RetentionScenario.write(c);
            before = RetentionScenario.count(c, "SELECT COUNT(*) FROM \"event_journal\"");
            // as a write that fails on a full disk does: H2 closes its store under the open connections
            H2Compaction.database(c).getStore().getMvStore().closeImmediately();
            Failing store = new Failing(null);   // no write has failed yet: the sweep is the first to meet it
            JournalRetention retention = new JournalRetention(h2::connect, RetentionScenario.POLICY,
                    java.time.Clock.fixed(RetentionScenario.NOW, java.time.ZoneOffset.UTC), new H2Compaction(h2::connect), store);
            assertEquals(JournalRetention.Outcome.FAILED, retention.sweepOnSchedule());
            assertTrue(store.failures.size() == 1 && JournalStore.closedByH2(store.failures.get(0)),
                    "the journal heard that H2 closed its store: " + store.failures);
        }
        try (Connection fresh = h2.connect()) {   // once the last connection to the closed one is gone, it opens afresh
            assertEquals(before, RetentionScenario.count(fresh, "SELECT COUNT(*) FROM \"event_journal\""));
        }
    }

    @Test
    void onlyH2ClosingItsStoreCountsAsTheStoreFailing() {
        assertTrue(JournalStore.closedByH2(new java.sql.SQLException("General error: \"org.h2.mvstore.MVStoreException: "
                + "Writing to sun.nio.ch.FileChannelImpl@5ee78832 failed\"", "HY000", 50000)));
        assertTrue(JournalStore.closedByH2(new java.sql.SQLException("The database has been closed", "90098", 90098)));
        assertTrue(JournalStore.closedByH2(new RuntimeException(new org.h2.mvstore.MVStoreException(4, "This store is closed"))));
        assertFalse(JournalStore.closedByH2(new java.sql.SQLTimeoutException("Statement was canceled", "57014")));
        assertFalse(JournalStore.closedByH2(new java.sql.SQLException("Connection to db1:5432 refused", "08001")));
    }

    /** The journal's store as the sweep sees it: whether it writes, and the sweep's failures it heard of. */
    private static final class Failing implements JournalRetention.Store {
        volatile String problem;
        final java.util.List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

        Failing(String problem) {
            this.problem = problem;
        }

        @Override
        public String writeProblem() {
            return problem;
        }

        @Override
        public void sweepFailed(Throwable e) {
            failures.add(e);
        }
    }

    @Test
    void keepingEverythingDeletesNothing() throws Exception {
        JournalSettings h2 = journal();
        try (Connection c = h2.connect()) {
            RetentionScenario.write(c);
            long before = RetentionScenario.count(c, "SELECT COUNT(*) FROM \"event_journal\"");
            JournalRetention keepAll = new JournalRetention(h2::connect, new RetentionPolicy(Duration.ZERO, 1),
                    java.time.Clock.systemUTC(), null);
            assertEquals(new JournalRetention.Sweep(0, 0, 0, 0), keepAll.sweep());
            assertEquals(before, RetentionScenario.count(c, "SELECT COUNT(*) FROM \"event_journal\""));
        }
    }

    @Test
    void theFileStopsGrowingOnceTheSweepDeletesAsMuchAsIsWritten() throws Exception {
        JournalSettings h2 = journal();
        Path file = dir.resolve("kukeon.mv.db");
        try (Connection keep = h2.connect(); Statement s = keep.createStatement()) {   // the database stays open, as in kukeond
            // H2 overwrites a dead chunk only after RETENTION_TIME (45 s); the test does not wait that long
            s.execute("SET RETENTION_TIME 0");
            writeOldEvents(keep, 1);
            long full = Files.size(file);
            assertTrue(full > EVENTS * 1024L, "the rows are in the file: " + full);
            long[] sizes = new long[4];
            for (int round = 0; round < sizes.length; round++) {   // a month of history goes, another comes
                JournalRetention.Sweep sweep = RetentionScenario.sweeper(h2::connect, new H2Compaction(h2::connect)).sweep();
                assertEquals(EVENTS, sweep.eventsDeleted() + (round == 0 ? RetentionScenario.POLICY.keepPerObject() : 0));
                writeOldEvents(keep, (round + 1) * EVENTS + 1);
                sizes[round] = Files.size(file);
            }
            System.out.println("h2 file: " + full + " then " + java.util.Arrays.toString(sizes));
            for (long size : sizes) {
                assertTrue(size < full * 3 / 2, "the deleted rows' space is reused: " + full + " then " + java.util.Arrays.toString(sizes));
            }
        }
    }

    /** {@link #EVENTS} events of one container from sequence number {@code from}, 60 days old, and a snapshot at the last. */
    private static void writeOldEvents(Connection c, long from) throws Exception {
        c.setAutoCommit(false);
        Random random = new Random(from);
        byte[] payload = new byte[1024];
        long old = RetentionScenario.NOW.minus(Duration.ofDays(60)).toEpochMilli();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\", "
                + "\"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\", \"event_ser_manifest\") "
                + "VALUES ('Container|r/s/t/c/app', ?, 'w', ?, '', ?, 1000, 'container.Started')")) {
            for (long seq = from; seq < from + EVENTS; seq++) {
                random.nextBytes(payload);   // not compressible: the file's size is the rows'
                s.setLong(1, seq);
                s.setLong(2, old + seq);
                s.setBytes(3, payload);
                s.addBatch();
                if (seq % 500 == 0) {
                    s.executeBatch();
                    c.commit();
                }
            }
            s.executeBatch();
        }
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO \"snapshot\" VALUES ('Container|r/s/t/c/app', " + (from + EVENTS - 1)
                    + ", 0, 1000, 's', X'00', NULL, NULL, NULL)");
        }
        c.commit();
        c.setAutoCommit(true);
    }

    @Test
    void queriesByTimeGoThroughTheIndex() throws Exception {
        try (Connection c = journal().connect(); Statement s = c.createStatement()) {
            for (String query : new String[] {
                    "SELECT MIN(\"ordering\") FROM \"event_journal\" WHERE \"write_timestamp\" >= 1",
                    "SELECT MIN(\"write_timestamp\"), MIN(\"ordering\") FROM \"event_journal\""}) {
                try (ResultSet plan = s.executeQuery("EXPLAIN " + query)) {
                    plan.next();
                    String text = plan.getString(1);
                    assertTrue(text.contains(JournalSchema.TIME_INDEX) || text.contains("direct lookup"), text);
                }
            }
        }
    }

    @Test
    void theRetentionSettingIsCheckedByName() {
        assertEquals(new RetentionPolicy(Duration.ofDays(30), 100), DaemonConfig.load(Map.of(), null, Map.of()).retention());
        assertEquals(Duration.ZERO, DaemonConfig.load(Map.of("journal.retention", "0"), null, Map.of()).retention().keep());
        assertEquals("7d, and the last 5 events of each object", DaemonConfig.load(Map.of("journal.retention", "7d",
                "journal.keep-per-object", "5"), null, Map.of()).retention().describe());
        assertEquals("journal.retention", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("journal.retention", "30s"), null, Map.of())).field());
        assertEquals("journal.retention", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("journal.retention", "soon"), null, Map.of())).field());
        assertEquals("journal.keep-per-object", assertThrows(InvalidArgumentException.class,
                () -> DaemonConfig.load(Map.of("journal.keep-per-object", "0"), null, Map.of())).field());
    }
}
