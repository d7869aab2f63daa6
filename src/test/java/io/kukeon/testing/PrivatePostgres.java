package io.kukeon.testing;

import io.kukeon.daemon.JournalSettings;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Databases of the tests' own on the private PostgreSQL server of {@code scripts/test.sh}: each
 * journal test gets a new, empty one, so tests never see each other's rows (the server and all its
 * databases are removed with the test work dir).
 */
public final class PrivatePostgres {
    private PrivatePostgres() {}

    private static final AtomicInteger NEXT = new AtomicInteger();

    /** A new, empty database, as a journal's settings (pool of {@code poolSize}). */
    public static JournalSettings newJournal(String name, int poolSize) {
        String server = RealComponents.postgresUrl();
        String database = "kukeon_" + name.toLowerCase().replaceAll("[^a-z0-9]", "_") + "_" + ProcessHandle.current().pid()
                + "_" + NEXT.incrementAndGet();
        try (Connection c = DriverManager.getConnection(server, credentials()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database + " on " + server + ": " + e.getMessage(), e);
        }
        String url = server.substring(0, server.lastIndexOf('/') + 1) + database;
        return JournalSettings.postgres(url, RealComponents.postgresUser(), "", poolSize, "");
    }

    /**
     * A new, empty database as kukeond's settings (keys of {@code DaemonConfig.KEYS}, for
     * {@link DaemonProcess#kukeond}): its journal on it, with the daemon's default pool.
     */
    public static Map<String, String> newDaemonJournal(String name) {
        JournalSettings journal = newJournal(name, 5);
        return Map.of("journal.kind", "postgres", "journal.url", journal.url(), "journal.user", journal.user());
    }

    /**
     * kukeond's journal for a benchmark or long run, as {@code -Dkukeon.test.journal} names it:
     * {@code h2} (the default: no settings, its file in the data dir) or {@code postgres}
     * ({@link #newDaemonJournal}).
     */
    public static Map<String, String> daemonJournalOfRun(String name) {
        String kind = System.getProperty("kukeon.test.journal", "h2");
        switch (kind) {
            case "h2":
                return Map.of();
            case "postgres":
                return newDaemonJournal(name);
            default:
                throw new IllegalArgumentException("kukeon.test.journal \"" + kind + "\" must be h2 or postgres");
        }
    }

    /** Stops the private server (fast: its connections are cut), keeping its data. */
    public static void stopServer() {
        ctl("stop");
    }

    public static void startServer() {
        ctl("start");
    }

    /** scripts/postgres/ctl-postgres.sh on the server of {@code -Dkukeon.postgres.base} (the test run's own). */
    private static void ctl(String action) {
        String base = System.getProperty("kukeon.postgres.base", System.getenv("KUKEON_TEST_POSTGRES_BASE"));
        RealComponents.need("PostgreSQL's directory", base != null && !base.isEmpty(),
                "set -Dkukeon.postgres.base to the BASE of scripts/postgres/start-postgres.sh (scripts/test.sh does)");
        try {
            Process p = new ProcessBuilder("scripts/postgres/ctl-postgres.sh", base, action).redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("ctl-postgres.sh " + action + " did not finish within 60 s");
            }
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("ctl-postgres.sh " + action + " failed: " + output);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Properties credentials() {
        Properties p = new Properties();
        p.setProperty("user", RealComponents.postgresUser());
        return p;
    }
}
