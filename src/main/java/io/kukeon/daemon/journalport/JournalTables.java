package io.kukeon.daemon.journalport;

import io.kukeon.daemon.JournalSettings;
import io.kukeon.daemon.journalport.JournalFile.EventRow;
import io.kukeon.daemon.journalport.JournalFile.SnapshotRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal's rows in a store, read in the file's order and written as they were, with plain JDBC.
 * The names are those of journal-schema/h2.sql and postgres.sql (quoted lower case, which both read
 * as the same names). Reads stream (a fetch size on a connection outside auto-commit): a journal of
 * millions of rows is never held whole.
 */
final class JournalTables {
    private JournalTables() {}

    private static final int FETCH = 500;
    static final int BATCH = 500;

    static final String INSERT_EVENT = "INSERT INTO \"event_journal\" (\"ordering\", \"deleted\", \"persistence_id\", "
            + "\"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", "
            + "\"event_ser_id\", \"event_ser_manifest\", \"meta_payload\", \"meta_ser_id\", \"meta_ser_manifest\") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_TAG = "INSERT INTO \"event_tag\" (\"event_id\", \"tag\") VALUES (?, ?)";
    static final String INSERT_SNAPSHOT = "INSERT INTO \"snapshot\" (\"persistence_id\", \"sequence_number\", \"created\", "
            + "\"snapshot_ser_id\", \"snapshot_ser_manifest\", \"snapshot_payload\", \"meta_ser_id\", \"meta_ser_manifest\", "
            + "\"meta_payload\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** A row consumer that may fail. */
    interface RowSink<T> {
        void accept(T row) throws Exception;
    }

    /**
     * Every snapshot by persistence id and sequence number. The ids are ordered by their characters'
     * codes on both stores (H2 compares strings so; PostgreSQL's collation would not), so that two
     * stores list the same snapshots in the same order.
     */
    static void snapshots(Connection c, JournalSettings.Kind kind, RowSink<SnapshotRow> sink) throws Exception {
        String byId = kind == JournalSettings.Kind.POSTGRES ? "\"persistence_id\" COLLATE \"C\"" : "\"persistence_id\"";
        try (Statement s = c.createStatement()) {
            s.setFetchSize(FETCH);
            try (ResultSet r = s.executeQuery("SELECT \"persistence_id\", \"sequence_number\", \"created\", \"snapshot_ser_id\", "
                    + "\"snapshot_ser_manifest\", \"snapshot_payload\", \"meta_ser_id\", \"meta_ser_manifest\", \"meta_payload\" "
                    + "FROM \"snapshot\" ORDER BY " + byId + ", \"sequence_number\"")) {
                while (r.next()) {
                    sink.accept(new SnapshotRow(r.getString(1), r.getLong(2), r.getLong(3), r.getInt(4), r.getString(5),
                            r.getBytes(6), integer(r, 7), r.getString(8), r.getBytes(9)));
                }
            }
        }
    }

    /** Every event by ordering, each with its tags (a second cursor over event_tag, merged in the same order). */
    static void events(Connection c, RowSink<EventRow> sink) throws Exception {
        try (Statement e = c.createStatement(); Statement t = c.createStatement()) {
            e.setFetchSize(FETCH);
            t.setFetchSize(FETCH);
            try (ResultSet r = e.executeQuery("SELECT \"ordering\", \"persistence_id\", \"sequence_number\", \"deleted\", "
                    + "\"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_ser_id\", \"event_ser_manifest\", "
                    + "\"event_payload\", \"meta_ser_id\", \"meta_ser_manifest\", \"meta_payload\" FROM \"event_journal\" "
                    + "ORDER BY \"ordering\"");
                 ResultSet tags = t.executeQuery("SELECT \"event_id\", \"tag\" FROM \"event_tag\" ORDER BY \"event_id\", \"tag\"")) {
                boolean tagLeft = tags.next();
                while (r.next()) {
                    long ordering = r.getLong(1);
                    List<String> own = new ArrayList<>(1);
                    while (tagLeft && tags.getLong(1) <= ordering) {
                        if (tags.getLong(1) == ordering) {   // a tag of no event cannot be: a foreign key holds them
                            own.add(tags.getString(2));
                        }
                        tagLeft = tags.next();
                    }
                    long timestamp = r.getLong(6);
                    Long writeTimestamp = r.wasNull() ? null : timestamp;
                    sink.accept(new EventRow(ordering, r.getString(2), r.getLong(3), r.getBoolean(4), r.getString(5),
                            writeTimestamp, r.getString(7), r.getInt(8), r.getString(9), r.getBytes(10),
                            integer(r, 11), r.getString(12), r.getBytes(13), own));
                }
            }
        }
    }

    /** Rows of {@code table}; a table the schema lacks counts none. */
    static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM \"" + table + "\"")) {
            r.next();
            return r.getLong(1);
        }
    }

    static long maxOrdering(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COALESCE(MAX(\"ordering\"), 0) FROM \"event_journal\"")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The journal's sealing key id ({@code kukeon_sealing_key}), null when none is recorded. */
    static String sealingKeyId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT \"key_id\" FROM \"kukeon_sealing_key\"")) {
            return r.next() ? r.getString(1) : null;
        }
    }

    static void replaceSealingKeyId(Connection c, String keyId) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM \"kukeon_sealing_key\"");
        }
        if (keyId != null) {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO \"kukeon_sealing_key\" (\"key_id\") VALUES (?)")) {
                insert.setString(1, keyId);
                insert.executeUpdate();
            }
        }
    }

    /** Empties the tables the file replaces (tags go with their events). */
    static void clear(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM \"event_tag\"");
            s.executeUpdate("DELETE FROM \"event_journal\"");
            s.executeUpdate("DELETE FROM \"snapshot\"");
        }
    }

    /** Inserts rows in batches of {@link #BATCH} on one connection; {@link #flush()} sends what is left. */
    static final class Inserts implements AutoCloseable {
        private final PreparedStatement events;
        private final PreparedStatement tags;
        private final PreparedStatement snapshots;
        private int pendingEvents;
        private int pendingSnapshots;

        Inserts(Connection c) throws SQLException {
            this.events = c.prepareStatement(INSERT_EVENT);
            this.tags = c.prepareStatement(INSERT_TAG);
            this.snapshots = c.prepareStatement(INSERT_SNAPSHOT);
        }

        void snapshot(SnapshotRow row) throws SQLException {
            snapshots.setString(1, row.persistenceId());
            snapshots.setLong(2, row.sequenceNumber());
            snapshots.setLong(3, row.created());
            snapshots.setInt(4, row.snapshotSerId());
            snapshots.setString(5, row.snapshotSerManifest());
            snapshots.setBytes(6, row.snapshotPayload());
            setInteger(snapshots, 7, row.metaSerId());
            snapshots.setString(8, row.metaSerManifest());
            setBytes(snapshots, 9, row.metaPayload());
            snapshots.addBatch();
            if (++pendingSnapshots == BATCH) {
                snapshots.executeBatch();
                pendingSnapshots = 0;
            }
        }

        void event(EventRow row) throws SQLException {
            events.setLong(1, row.ordering());
            events.setBoolean(2, row.deleted());
            events.setString(3, row.persistenceId());
            events.setLong(4, row.sequenceNumber());
            events.setString(5, row.writer());
            if (row.writeTimestamp() == null) {
                events.setNull(6, Types.BIGINT);
            } else {
                events.setLong(6, row.writeTimestamp());
            }
            events.setString(7, row.adapterManifest());
            events.setBytes(8, row.eventPayload());
            events.setInt(9, row.eventSerId());
            events.setString(10, row.eventSerManifest());
            setBytes(events, 11, row.metaPayload());
            setInteger(events, 12, row.metaSerId());
            events.setString(13, row.metaSerManifest());
            events.addBatch();
            for (String tag : row.tags()) {
                tags.setLong(1, row.ordering());
                tags.setString(2, tag);
                tags.addBatch();
            }
            if (++pendingEvents == BATCH) {
                flushEvents();
            }
        }

        void flush() throws SQLException {
            if (pendingSnapshots > 0) {
                snapshots.executeBatch();
                pendingSnapshots = 0;
            }
            flushEvents();
        }

        private void flushEvents() throws SQLException {
            if (pendingEvents > 0) {
                events.executeBatch();   // before their tags: a tag refers to its event
                tags.executeBatch();
                pendingEvents = 0;
            }
        }

        @Override
        public void close() throws SQLException {
            try (events; tags; snapshots) {
                // closed in turn
            }
        }
    }

    private static Integer integer(ResultSet r, int column) throws SQLException {
        int value = r.getInt(column);
        return r.wasNull() ? null : value;
    }

    private static void setInteger(PreparedStatement s, int index, Integer value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.INTEGER);
        } else {
            s.setInt(index, value);
        }
    }

    /** VARBINARY, not BLOB, for a null: BLOB would be an oid to PostgreSQL, not its bytea. */
    private static void setBytes(PreparedStatement s, int index, byte[] value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.VARBINARY);
        } else {
            s.setBytes(index, value);
        }
    }
}
