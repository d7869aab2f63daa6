package io.kukeon.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.kukeon.daemon.DaemonConfig;
import io.kukeon.daemon.JournalSchema;
import io.kukeon.daemon.JournalSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A journal's rows as text and back: every row of {@code event_journal}, {@code event_tag} and
 * {@code snapshot}, one JSON object a line per table, every column as it is (blobs in base64), read
 * and written with plain JDBC on the daemon's H2 file. Columns are taken from the schema, so the
 * format follows journal-schema/h2.sql.
 */
final class JournalRows {
    /** Load order: a tag refers to its event. */
    static final List<String> TABLES = List.of("event_journal", "event_tag", "snapshot");
    /** Keys of a row that start with this are for readers, never loaded (e.g. a payload decoded from CBOR). */
    static final String INFORMATIVE = "_";

    private static final Map<String, String> ORDER = Map.of("event_journal", "\"ordering\"",
            "event_tag", "\"event_id\", \"tag\"", "snapshot", "\"persistence_id\", \"sequence_number\"");
    private static final ObjectMapper ROW = new ObjectMapper();
    private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

    private JournalRows() {}

    static String jdbcUrl(Path dataDir) {
        return DaemonConfig.jdbcUrl(dataDir.resolve("journal").resolve("kukeon"));
    }

    /** The H2 journal a daemon on {@code dataDir} opens. */
    static JournalSettings h2(Path dataDir) {
        return JournalSettings.h2(dataDir.resolve("journal").resolve("kukeon"), 1);
    }

    /** The flags that point a daemon at {@code journal} (none for its own H2 file). */
    static Map<String, String> flags(JournalSettings journal) {
        return journal.kind() == JournalSettings.Kind.H2 ? Map.of()
                : Map.of("journal.kind", "postgres", "journal.url", journal.url(), "journal.user", journal.user());
    }

    /** Writes every row of the journal's tables under {@code fixture}, one JSON object a line, blobs in base64. */
    static void export(Path dataDir, Path fixture) throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection(jdbcUrl(dataDir), "sa", "")) {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM \"durable_state\"")) {
                r.next();
                if (r.getLong(1) != 0) {
                    throw new IllegalStateException("durable_state has rows; the fixture format does not carry them");
                }
            }
            for (String table : TABLES) {
                List<String> lines = new ArrayList<>();
                try (Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("SELECT * FROM \"" + table + "\" ORDER BY " + ORDER.get(table))) {
                    ResultSetMetaData meta = r.getMetaData();
                    while (r.next()) {
                        lines.add(ROW.writeValueAsString(row(r, meta)));
                    }
                }
                Files.write(fixture.resolve(table + ".jsonl"), lines);
            }
        }
    }

    private static ObjectNode row(ResultSet r, ResultSetMetaData meta) throws SQLException {
        ObjectNode row = ROW.createObjectNode();
        Map<String, JsonNode> decoded = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String column = meta.getColumnName(i);
            if (r.getObject(i) == null) {
                row.putNull(column);
                continue;
            }
            switch (meta.getColumnType(i)) {
                case Types.BLOB, Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> {
                    byte[] bytes = r.getBytes(i);
                    row.put(column, Base64.getEncoder().encodeToString(bytes));
                    decoded.put(INFORMATIVE + column + "_as_json", decodeCbor(bytes));
                }
                case Types.BIGINT -> row.put(column, r.getLong(i));
                case Types.INTEGER, Types.SMALLINT -> row.put(column, r.getInt(i));
                case Types.BOOLEAN -> row.put(column, r.getBoolean(i));
                default -> row.put(column, r.getString(i));
            }
        }
        decoded.forEach(row::set);
        return row;
    }

    /** The payload as JSON for a reader of the fixture (Jackson CBOR is self-describing); text if it is not CBOR. */
    private static JsonNode decodeCbor(byte[] bytes) {
        try {
            return CBOR.readTree(bytes);
        } catch (IOException e) {
            return TextNode.valueOf("(not CBOR: " + e.getMessage() + ")");
        }
    }

    /**
     * A fresh journal at {@code dataDir} holding the fixture's rows: the schema as the daemon applies
     * it, every row with its own {@code ordering}, and the ordering's identity moved past them so that
     * the events a replay writes come after the fixture's.
     */
    static void load(Path fixture, Path dataDir, JournalSettings journal) throws SQLException, IOException {
        Files.createDirectories(dataDir.resolve("journal"));
        if (Files.exists(dataDir.resolve("journal").resolve("kukeon.mv.db"))) {
            throw new IllegalStateException("a journal exists already in " + dataDir);
        }
        JournalSchema.apply(journal);
        try (Connection c = journal.connect()) {
            if (maxOrdering(c) != 0) {
                throw new IllegalStateException("the journal " + journal + " has rows already");
            }
            c.setAutoCommit(false);
            for (String table : TABLES) {
                insertRows(c, table, fixture.resolve(table + ".jsonl"));
            }
            try (Statement s = c.createStatement()) {
                s.execute(journal.kind() == JournalSettings.Kind.H2
                        ? "ALTER TABLE \"event_journal\" ALTER COLUMN \"ordering\" RESTART WITH " + (maxOrdering(c) + 1)
                        : "SELECT setval(pg_get_serial_sequence('event_journal', 'ordering'), " + Math.max(1, maxOrdering(c))
                        + ", " + (maxOrdering(c) > 0) + ")");
            }
            c.commit();
        }
    }

    private static void insertRows(Connection c, String table, Path file) throws SQLException, IOException {
        Map<String, Integer> types = new LinkedHashMap<>();
        try (ResultSet r = c.getMetaData().getColumns(null, null, table, null)) {
            while (r.next()) {
                types.put(r.getString("COLUMN_NAME"), r.getInt("DATA_TYPE"));
            }
        }
        int line = 0;
        for (String text : Files.readAllLines(file)) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            JsonNode row = ROW.readTree(text);
            List<String> columns = new ArrayList<>();
            row.fieldNames().forEachRemaining(name -> {
                if (!name.startsWith(INFORMATIVE)) {
                    columns.add(name);
                }
            });
            for (String column : columns) {
                if (!types.containsKey(column)) {
                    throw new IllegalArgumentException(file.getFileName() + ":" + line + ": table " + table
                            + " has no column \"" + column + "\"");
                }
            }
            String sql = "INSERT INTO \"" + table + "\" (" + String.join(", ", columns.stream().map(n -> "\"" + n + "\"").toList())
                    + ") VALUES (" + String.join(", ", columns.stream().map(n -> "?").toList()) + ")";
            try (PreparedStatement insert = c.prepareStatement(sql)) {
                for (int i = 0; i < columns.size(); i++) {
                    set(insert, i + 1, types.get(columns.get(i)), row.get(columns.get(i)));
                }
                insert.executeUpdate();
            }
        }
    }

    private static void set(PreparedStatement s, int index, int type, JsonNode value) throws SQLException {
        if (value == null || value.isNull()) {
            s.setNull(index, type);
            return;
        }
        switch (type) {
            case Types.BLOB, Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY ->
                    s.setBytes(index, Base64.getDecoder().decode(value.asText()));
            case Types.BIGINT -> s.setLong(index, value.asLong());
            case Types.INTEGER, Types.SMALLINT -> s.setInt(index, value.asInt());
            case Types.BOOLEAN, Types.BIT -> s.setBoolean(index, value.asBoolean());   // PostgreSQL's boolean is BIT
            default -> s.setString(index, value.asText());
        }
    }

    private static long maxOrdering(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COALESCE(MAX(\"ordering\"), 0) FROM \"event_journal\"")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The highest ordering in the journal of a running (or stopped) daemon. */
    static long lastOrdering(JournalSettings journal) {
        try (Connection c = journal.connect()) {
            return maxOrdering(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the journal " + journal, e);
        }
    }

    /** The rows of one table of the fixture, in the order written. */
    static List<JsonNode> read(Path fixture, String table) {
        try {
            List<JsonNode> rows = new ArrayList<>();
            for (String text : Files.readAllLines(fixture.resolve(table + ".jsonl"))) {
                if (!text.isBlank()) {
                    rows.add(ROW.readTree(text));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
