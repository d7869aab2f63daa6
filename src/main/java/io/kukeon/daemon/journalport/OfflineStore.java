package io.kukeon.daemon.journalport;

import io.kukeon.daemon.JournalSettings;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.UnavailableException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A connection to a journal no kukeond runs on, or a refusal saying which one does. H2 holds its file
 * for one process: opening it while kukeond has it fails, and then no kukeond can open it until the
 * connection closes. On PostgreSQL, kukeond's connections carry the application name
 * {@value JournalSettings#APPLICATION_NAME}; one in {@code pg_stat_activity} on the database means a
 * kukeond runs on it (a kukeond older than that name goes unseen; the import's table locks still
 * keep it from reading a half-written journal).
 */
final class OfflineStore {
    private OfflineStore() {}

    /** The H2 journal's file, for a journal whose base path is {@code base}. */
    static Path h2File(Path base) {
        return base.resolveSibling(base.getFileName() + ".mv.db");
    }

    /**
     * Opens {@code journal} as {@code tool} (e.g. "kukeond journal export"): refused when a kukeond
     * runs on it. {@code mustExist}: an H2 file that is not there is refused rather than made.
     */
    static Connection open(JournalSettings journal, Path h2Base, String tool, boolean mustExist) {
        if (journal.kind() == JournalSettings.Kind.H2 && mustExist && !Files.exists(h2File(h2Base))) {
            throw new FailedPreconditionException("NoJournal", "there is no journal at " + h2File(h2Base)
                    + " (check --data-dir)");
        }
        Connection c;
        try {
            c = journal.connect(tool);
        } catch (SQLException e) {
            if (String.valueOf(e.getMessage()).contains("already in use")) {
                throw new FailedPreconditionException("JournalInUse", "a kukeond runs on the journal " + h2File(h2Base)
                        + " (H2 lets one process open it): stop it first, then run " + tool + " again");
            }
            throw new UnavailableException(UnavailableException.JOURNAL_UNAVAILABLE, "cannot open the " + journal + ": " + firstLine(e), e);
        }
        try {
            if (journal.kind() == JournalSettings.Kind.POSTGRES) {
                refuseRunningDaemon(c, journal, tool);
            }
            return c;
        } catch (RuntimeException | SQLException e) {
            closeQuietly(c);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new UnavailableException(UnavailableException.JOURNAL_UNAVAILABLE, "cannot read the " + journal + ": " + firstLine(e), e);
        }
    }

    private static void refuseRunningDaemon(Connection c, JournalSettings journal, String tool) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                + "AND application_name = ? AND pid <> pg_backend_pid()")) {
            s.setString(1, JournalSettings.APPLICATION_NAME);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                long connections = r.getLong(1);
                if (connections > 0) {
                    throw new FailedPreconditionException("JournalInUse", "a kukeond runs on the " + journal + " ("
                            + connections + " of its connections in pg_stat_activity): stop it first, then run " + tool + " again");
                }
            }
        }
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // the failure being reported matters more
        }
    }

    static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
