package io.kukeon.daemon;

import io.kukeon.model.UnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal's tables, from {@code journal-schema/<kind>.sql}, made at a start that finds them
 * missing. H2 runs its script whole (idempotent; it also fails fast when another kukeond holds the
 * file). On PostgreSQL, tables a database owner made are left alone (the journal's user may lack
 * the right to create any); when one is missing and cannot be made, kukeond stops naming the
 * statement to run.
 */
public final class JournalSchema {
    private static final Logger LOG = LoggerFactory.getLogger(JournalSchema.class);
    private JournalSchema() {}

    /** Every table kukeond reads or writes; the key table is {@link JournalKey}'s. */
    static final List<String> TABLES = List.of("event_journal", "event_tag", "snapshot", "durable_state", "kukeon_sealing_key");
    private static final String POSTGRES_SCRIPT = "journal-schema/postgres.sql";

    public static void apply(JournalSettings journal) {
        try (Connection c = journal.connect(); Statement s = c.createStatement()) {
            if (journal.kind() == JournalSettings.Kind.H2) {
                s.execute("RUNSCRIPT FROM 'classpath:" + journal.schemaResource() + "'");
                return;
            }
            ensureSchema(c, journal);
            if (missingTables(c).isEmpty()) {
                addTimeIndex(c, journal);
                return;
            }
            for (String statement : statements(journal.schemaResource())) {
                try {
                    s.execute(inSchema(statement));
                } catch (SQLException e) {
                    throw new UnavailableException(UnavailableException.JOURNAL_UNAVAILABLE, "cannot create the journal's tables on " + journal
                            + " (" + firstLine(e) + "): have a database owner run " + POSTGRES_SCRIPT + ", which failed at: "
                            + statement.lines().findFirst().orElse(statement), e);
                }
            }
        } catch (SQLException e) {
            String why = e.getMessage() != null && e.getMessage().contains("already in use")
                    ? "the journal is in use by another kukeond" : firstLine(e);
            throw new UnavailableException(UnavailableException.JOURNAL_UNAVAILABLE, "cannot open the journal (" + describe(journal) + "): " + why, e);
        }
    }

    /**
     * The script names its tables in schema public; kukeond runs it unqualified, so that they go to
     * the connection's schema ({@code journal.schema}, the driver's currentSchema).
     */
    static String inSchema(String statement) {
        return statement.replace("public.", "");
    }

    /** A schema other than public is made when missing (with the right to create one in the database). */
    private static void ensureSchema(Connection c, JournalSettings journal) {
        if (journal.schema().equals(JournalSettings.PUBLIC)) {
            return;
        }
        String create = "CREATE SCHEMA IF NOT EXISTS " + journal.schema();
        try (java.sql.PreparedStatement found = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            found.setString(1, journal.schema());
            try (ResultSet r = found.executeQuery()) {
                if (r.next()) {
                    return;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute(create);
            }
        } catch (SQLException e) {
            throw new UnavailableException(UnavailableException.JOURNAL_UNAVAILABLE, "cannot create the journal's schema on " + journal
                    + " (" + firstLine(e) + "): have a database owner run: " + create + " AUTHORIZATION " + journal.user(), e);
        }
    }

    /** Finds events by time ({@code kuke events --since}, the retention sweep); the script makes it on new journals. */
    static final String TIME_INDEX = "event_journal_write_timestamp_idx";

    /**
     * A PostgreSQL journal made before the time index gets it. Without the right to create it, kukeond
     * still runs (queries by time then scan), saying once which statement a database owner is to run.
     */
    private static void addTimeIndex(Connection c, JournalSettings journal) throws SQLException {
        try (ResultSet found = c.getMetaData().getIndexInfo(null, c.getSchema(), "event_journal", false, false)) {
            while (found.next()) {
                if (TIME_INDEX.equals(found.getString("INDEX_NAME"))) {
                    return;
                }
            }
        }
        String create = "CREATE INDEX IF NOT EXISTS " + TIME_INDEX + " ON event_journal(write_timestamp)";
        try (Statement s = c.createStatement()) {
            s.execute(create);
        } catch (SQLException e) {
            LOG.warn("the journal on {} has no index by time, so kuke events --since and the retention sweep scan it ({}): "
                    + "have a database owner run: {}", journal, firstLine(e), create);
        }
    }

    /** The H2 journal names its file (it is ours); a PostgreSQL one its host and database, never its credentials. */
    private static String describe(JournalSettings journal) {
        return journal.kind() == JournalSettings.Kind.H2 ? journal.url() : journal.toString();
    }

    public static List<String> missingTables(Connection c) throws SQLException {
        List<String> missing = new ArrayList<>();
        DatabaseMetaData meta = c.getMetaData();
        // PostgreSQL: in the connection's schema only (another schema may hold another kukeond's journal)
        String schema = meta.getDatabaseProductName().equals("PostgreSQL") ? c.getSchema() : null;
        for (String table : TABLES) {
            try (ResultSet found = meta.getTables(null, schema, table, new String[] {"TABLE"})) {
                if (!found.next()) {
                    missing.add(table);
                }
            }
        }
        return missing;
    }

    /** The script's statements: split at each ';' that ends a line, comments dropped. */
    static List<String> statements(String resource) {
        String script;
        try (InputStream in = JournalSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar holds no " + resource);
            }
            script = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            if (line.strip().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.strip().endsWith(";")) {
                String statement = current.toString().strip();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        return statements;
    }

    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
