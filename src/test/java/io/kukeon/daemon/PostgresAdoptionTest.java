package io.kukeon.daemon;

import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.PrivatePostgres;
import io.kukeon.testing.RealComponents;
import io.kukeon.testing.RealHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AdoptionTest} with kukeond's journal on the private PostgreSQL server (a new database):
 * cells started on the real containerd, kill -9, restart, every container adopted as it ran.
 * Three cells rather than ten keep it short; the path is the same.
 */
@Tag("containerd")
@Tag("postgres")
class PostgresAdoptionTest extends AdoptionTest {
    private Map<String, String> journal;

    @Override
    int cells() {
        return 3;
    }

    @Override
    DaemonProcess daemon(RealHost host) {
        journal = PrivatePostgres.newDaemonJournal("adoption");
        Map<String, String> settings = new HashMap<>(host.daemonSettings());
        settings.putAll(journal);
        return DaemonProcess.kukeond(dataDir, settings);
    }

    /** The daemon really journaled on PostgreSQL: its database holds the events, the data dir no H2 file. */
    @AfterEach
    void theJournalWasOnPostgres() throws Exception {
        try (Connection c = DriverManager.getConnection(journal.get("journal.url"), RealComponents.postgresUser(), "");
             Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT count(*) FROM event_journal")) {
            rows.next();
            assertTrue(rows.getLong(1) > 0, "events in the PostgreSQL journal");
        }
        assertFalse(Files.exists(dataDir.resolve("journal").resolve("kukeon.mv.db")), "no H2 journal in the data dir");
    }
}
