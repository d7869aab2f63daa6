package io.kukeon.daemon;

import io.kukeon.testing.PrivatePostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retention sweep and the index by time on the private PostgreSQL, as on H2. */
@Tag("postgres")
class PostgresJournalRetentionTest {
    @Test
    void theSweepDeletesWhatNoRecoveryNeedsAndKeepsTheRest() throws Exception {
        JournalSettings journal = PrivatePostgres.newJournal("retention", 2);
        JournalSchema.apply(journal);
        try (Connection c = journal.connect()) {
            RetentionScenario.write(c);
            JournalRetention.Sweep sweep = RetentionScenario.sweeper(journal::connect, null).sweep();
            RetentionScenario.assertTrimmed(c, sweep);
        }
    }

    @Test
    void aJournalMadeBeforeTheIndexGetsItAtStartAndQueriesByTimeUseIt() throws Exception {
        JournalSettings journal = PrivatePostgres.newJournal("timeindex", 1);
        JournalSchema.apply(journal);
        try (Connection c = journal.connect(); Statement s = c.createStatement()) {
            s.execute("DROP INDEX " + JournalSchema.TIME_INDEX);   // as a journal made by an earlier kukeond
        }
        JournalSchema.apply(journal);
        try (Connection c = journal.connect(); Statement s = c.createStatement()) {
            // a long history and a recent minute of it, with the planner's statistics
            s.execute("INSERT INTO event_journal (persistence_id, sequence_number, writer, write_timestamp, event_ser_id, "
                    + "event_ser_manifest, event_payload) SELECT 'Cell|r/s/t/c', n, 'w', n, 1000, 'cell.Started', '\\x00'::bytea "
                    + "FROM generate_series(1, 50000) AS n");
            s.execute("ANALYZE event_journal");
            try (ResultSet plan = s.executeQuery("EXPLAIN SELECT MIN(\"ordering\") FROM \"event_journal\" WHERE \"write_timestamp\" >= 49990")) {
                StringBuilder text = new StringBuilder();
                while (plan.next()) {
                    text.append(plan.getString(1)).append('\n');
                }
                assertTrue(text.toString().contains(JournalSchema.TIME_INDEX), text.toString());
            }
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM pg_indexes WHERE indexname = '" + JournalSchema.TIME_INDEX + "'")) {
                r.next();
                assertEquals(1, r.getInt(1));
            }
        }
    }
}
