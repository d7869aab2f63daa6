package io.kukeon.daemon;

import io.kukeon.api.RetentionPolicy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One journal, written row by row as the journal plugin writes it, that the retention sweep must
 * trim exactly so, on H2 and on PostgreSQL alike: every rule of {@link JournalRetention} once.
 */
final class RetentionScenario {
    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    static final RetentionPolicy POLICY = new RetentionPolicy(Duration.ofDays(30), 10);
    private static final long OLD = NOW.minus(Duration.ofDays(40)).toEpochMilli();
    private static final long RECENT = NOW.minus(Duration.ofDays(1)).toEpochMilli();

    private RetentionScenario() {}

    /** Writes the objects' events and snapshots into an empty journal. */
    static void write(Connection c) throws SQLException {
        // 250 old events and 50 recent, a snapshot at 200: 1..200 go
        events(c, "Cell|r/s/t/covered", 1, 250, OLD, "cell.Started");
        events(c, "Cell|r/s/t/covered", 251, 300, RECENT, "cell.Started");
        snapshot(c, "Cell|r/s/t/covered", 200);
        // old, but no snapshot covers any: all stay
        events(c, "Cell|r/s/t/uncovered", 1, 50, OLD, "cell.Started");
        // old and covered, but an object keeps its last 10: 1..20 go
        events(c, "Cell|r/s/t/few", 1, 30, OLD, "cell.Started");
        snapshot(c, "Cell|r/s/t/few", 30);
        // deleted long ago: every event and the snapshot go
        events(c, "Space|r/gone", 1, 4, OLD, "scope.Started");
        events(c, "Space|r/gone", 5, 5, OLD, "scope.Deleted");
        snapshot(c, "Space|r/gone", 3);
        // deleted yesterday: stays for now
        events(c, "Container|r/s/t/x/app", 1, 4, OLD, "container.Started");
        events(c, "Container|r/s/t/x/app", 5, 5, RECENT, "container.ContainerDeleted");
        // recent only: stays
        events(c, "Cell|r/s/t/young", 1, 20, RECENT, "cell.Started#2");
        snapshot(c, "Cell|r/s/t/young", 10);
    }

    /** What the sweep leaves: events per object, and the snapshots and tags with them. */
    static void assertTrimmed(Connection c, JournalRetention.Sweep sweep) throws SQLException {
        Map<String, String> expected = new TreeMap<>(Map.of(
                "Cell|r/s/t/covered", "201..300",
                "Cell|r/s/t/uncovered", "1..50",
                "Cell|r/s/t/few", "21..30",
                "Container|r/s/t/x/app", "1..5",
                "Cell|r/s/t/young", "1..20"));
        assertEquals(expected, ranges(c));
        assertEquals(200 + 20 + 5, sweep.eventsDeleted());
        assertEquals(1, sweep.snapshotsDeleted());
        assertEquals(2, sweep.objectsTrimmed());
        assertEquals(1, sweep.objectsRemoved());
        assertEquals(0, count(c, "SELECT COUNT(*) FROM \"snapshot\" WHERE \"persistence_id\" = 'Space|r/gone'"));
        assertEquals(count(c, "SELECT COUNT(*) FROM \"event_journal\""), count(c, "SELECT COUNT(*) FROM \"event_tag\""),
                "each event's tag went with it");
    }

    static JournalRetention sweeper(JournalRetention.Connections connections, H2Compaction compaction) {
        return new JournalRetention(connections, POLICY, Clock.fixed(NOW, ZoneOffset.UTC), compaction);
    }

    private static Map<String, String> ranges(Connection c) throws SQLException {
        Map<String, String> ranges = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT \"persistence_id\", MIN(\"sequence_number\"), MAX(\"sequence_number\"), COUNT(*) "
                     + "FROM \"event_journal\" GROUP BY \"persistence_id\"")) {
            while (r.next()) {
                assertEquals(r.getLong(3) - r.getLong(2) + 1, r.getLong(4), "no hole in " + r.getString(1));
                ranges.put(r.getString(1), r.getLong(2) + ".." + r.getLong(3));
            }
        }
        return ranges;
    }

    static long count(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void events(Connection c, String id, long from, long to, long timestamp, String manifest) throws SQLException {
        try (PreparedStatement event = c.prepareStatement("INSERT INTO \"event_journal\" (\"deleted\", \"persistence_id\", "
                + "\"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\", "
                + "\"event_ser_manifest\") VALUES (FALSE, ?, ?, 'w', ?, '', ?, 1000, ?)", new String[] {"ordering"});
             PreparedStatement tag = c.prepareStatement("INSERT INTO \"event_tag\" (\"event_id\", \"tag\") VALUES (?, 'events')")) {
            for (long seq = from; seq <= to; seq++) {
                event.setString(1, id);
                event.setLong(2, seq);
                event.setLong(3, timestamp + seq);
                event.setBytes(4, new byte[64]);
                event.setString(5, manifest);
                event.executeUpdate();
                try (ResultSet key = event.getGeneratedKeys()) {
                    key.next();
                    tag.setLong(1, key.getLong(1));
                }
                tag.executeUpdate();
            }
        }
    }

    private static void snapshot(Connection c, String id, long seq) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO \"snapshot\" (\"persistence_id\", \"sequence_number\", \"created\", "
                + "\"snapshot_ser_id\", \"snapshot_ser_manifest\", \"snapshot_payload\") VALUES (?, ?, 0, 1000, 's', ?)")) {
            s.setString(1, id);
            s.setLong(2, seq);
            s.setBytes(3, new byte[16]);
            s.executeUpdate();
        }
    }
}
