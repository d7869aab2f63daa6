package io.kukeon.daemon;

import com.zaxxer.hikari.HikariDataSource;
import io.kukeon.api.JournalHealth;
import io.kukeon.supervisor.JournalGate;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import slick.jdbc.JdbcBackend;
import slick.jdbc.hikaricp.HikariCPJdbcDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The journal's H2 database behind pekko-persistence-jdbc's connection pool, one per actor system:
 * whether its writes succeed, and its reopening after H2 closed it. When a write fails on a full
 * disk, H2 closes the database for good, and every pooled connection stays bound to the closed
 * one ("The database has been closed") even once there is room again; new connections open it
 * afresh. So after a failed write, and whenever a pooled connection cannot read the journal, the
 * pool is told to replace all of its connections, and the actors, which restart and replay on
 * their own, write again. Checked every second too: a failure may first meet a snapshot or a
 * read, which do not pass here.
 *
 * <p>A store that cannot be reached at all (a database server stopped, the network to it cut) also
 * closes the {@link JournalGate}: the calls that would wait on actors failing their recovery are
 * refused at once. The gate opens again once the store has answered for {@link #SETTLE_MS}, by
 * when every such actor has had its next recovery (their backoff is at most 5 s, plus 20 %).
 */
public final class JournalStore implements Extension, JournalHealth, JournalGate, JournalRetention.Store {
    private static final Logger LOG = LoggerFactory.getLogger(JournalStore.class);
    private static final long CHECK_EVERY_MS = 1000;
    static final long SETTLE_MS = 7000;

    public static final Id ID = new Id();

    public static final class Id extends AbstractExtensionId<JournalStore> {
        @Override
        public JournalStore createExtension(ExtendedActorSystem system) {
            return new JournalStore(system);
        }
    }

    private final ActorSystem system;
    private volatile HikariDataSource pool;
    /** Why the last write failed, null once one succeeds. */
    private volatile String writeProblem;
    /** Why the last check could not read the journal, null once one can. */
    private volatile String readProblem;
    private boolean replacing;   // guarded by this: logged once until a write succeeds
    /** The durations of the last writes, a ring; guarded by itself. */
    private final long[] recentWrites = new long[RECENT_WRITES];
    private long recentWriteCount;
    /** Why the store cannot be reached, null while it can: the gate is closed meanwhile. */
    private volatile String unreachable;
    /** When the store first answered again after {@link #unreachable} was set; 0 until it does. */
    private volatile long answeringSinceNanos;
    /** The start's connection keeping H2 open until the pool has one; guarded by this. */
    private java.sql.Connection heldOpen;
    /** The embedded journal's databases as this daemon's connections found them open (H2 opens a new one after a close). */
    private final java.util.Set<org.h2.engine.Database> embedded =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    private static final String DB_SETTINGS = "pekko-persistence-jdbc.shared-databases.slick.db.";
    /** What status says of the store (kind and where, no credentials), set by {@link JournalSettings}. */
    static final String DESCRIPTION_SETTING = "kukeon-journal.description";
    /** The H2 journal's file, set by {@link JournalSettings}; absent for PostgreSQL. */
    static final String H2_FILE_SETTING = "kukeon-journal.h2-file";
    /** {@code journal.sync}'s value, set by {@link JournalSettings}: the journal's DAO syncs by it. */
    static final String SYNC_SETTING = "kukeon-journal.sync";
    /** Every table kukeond keeps on PostgreSQL, summed: a missing one counts nothing. */
    private static final String POSTGRES_SIZE = "SELECT COALESCE(SUM(pg_total_relation_size(to_regclass(t))), 0) "
            + "FROM unnest(ARRAY['" + String.join("', '", JournalSchema.TABLES) + "']) AS t";

    private JournalStore(ActorSystem system) {
        this.system = system;
    }

    public static JournalStore get(ActorSystem system) {
        return ID.get(system);
    }

    /**
     * An embedded journal's connection that keeps its database open through a start ({@link
     * #closeOncePooled}): H2 closes the database when its last connection closes, compacting and
     * closing the file, and opens it again at the next connection; the start's short reads (schema,
     * key) would each pay both, seconds on a long journal. Null for a database server, or when the
     * journal cannot be opened (the schema's check then says why).
     */
    static java.sql.Connection holdOpen(JournalSettings journal) {
        if (journal.kind() != JournalSettings.Kind.H2) {
            return null;
        }
        try {
            return journal.connect();
        } catch (SQLException e) {
            return null;
        }
    }

    /** Closes the start's {@link #holdOpen} connection once the journal's pool holds the database (now, when it does). */
    public synchronized void closeOncePooled(java.sql.Connection held) {
        noteEmbedded(held);
        if (pool != null) {
            closeQuietly(held);
        } else if (held != null) {
            heldOpen = held;
            system.registerOnTermination(() -> {
                synchronized (this) {
                    closeQuietly(heldOpen);
                    heldOpen = null;
                }
            });
        }
    }

    /**
     * Once the actor system has stopped: closes what is left of this daemon's sessions on the embedded
     * database, so that it closes. H2 keeps one open database per file in a JVM, shared by every
     * connection to it, and something may outlive the stop: a connection that Hikari's creator thread
     * opened while the pool shut down (it cannot add it and leaves it to the garbage collector; the
     * retention benchmark's H2 trace shows them). A kukeond started later in the same JVM (tests,
     * benchmarks) would join that database as it was left, and when a query of this one was
     * interrupted at the stop (Slick ends its threads with shutdownNow), the file channel of it is
     * closed for good: the next kukeond "cannot read its journal" (ClosedChannelException). Closed,
     * the database is opened afresh from its file by the next connection. Nothing for a server.
     */
    public void closeEmbeddedDatabase() {
        List<org.h2.engine.Database> databases;
        synchronized (embedded) {
            databases = new ArrayList<>(embedded);
            embedded.clear();
        }
        int left = 0;
        for (org.h2.engine.Database database : databases) {
            for (org.h2.engine.SessionLocal session : database.getSessions(false)) {
                if (!session.isClosed()) {
                    left++;
                    try {
                        session.close();   // the last one closes the database
                    } catch (RuntimeException e) {
                        // a broken store fails its close too; the session is gone from the database all the same
                    }
                }
            }
        }
        if (left > 0) {
            LOG.info("closed {} connection(s) to the journal that outlived kukeond's stop", left);
        }
    }

    /** Notes the embedded database behind an H2 connection (nothing for a server's), for {@link #closeEmbeddedDatabase}. */
    private void noteEmbedded(java.sql.Connection c) {
        try {
            if (c != null && c.isWrapperFor(org.h2.jdbc.JdbcConnection.class)) {
                embedded.add(H2Compaction.database(c));
            }
        } catch (SQLException e) {
            // closed already: what it was bound to is noted by the connections that follow
        }
    }

    static void closeQuietly(java.sql.Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            // the database is closing or gone: nothing of ours is held by it any more
        }
    }

    /** Called by the journal DAO with its database: from then on the pool is watched. */
    synchronized void watch(JdbcBackend.JdbcDatabaseDef db) {
        if (pool != null || !(db.source() instanceof HikariCPJdbcDataSource hikari)) {
            return;
        }
        pool = hikari.ds();
        if (heldOpen != null) {
            try (Connection pooled = pool.getConnection()) {   // the pool holds H2 open from now: it keeps this one (its minimum)
                noteEmbedded(pooled);
            } catch (SQLException e) {
                // the checks below say what is wrong with the journal
            }
        }
        closeQuietly(heldOpen);
        heldOpen = null;
        ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kukeond-journal-check");
            t.setDaemon(true);
            return t;
        });
        checker.scheduleWithFixedDelay(this::reopenIfClosed, CHECK_EVERY_MS, CHECK_EVERY_MS, TimeUnit.MILLISECONDS);
        system.registerOnTermination(checker::shutdown);   // not shutdownNow: an interrupt in H2's file I/O closes its file
    }

    /** A write took {@code nanos}: kept among the last {@link #RECENT_WRITES} for status. */
    void writeSucceeded(long nanos) {
        synchronized (recentWrites) {
            recentWrites[(int) (recentWriteCount++ % RECENT_WRITES)] = nanos;
        }
        if (writeProblem != null) {
            writeProblem = null;
            synchronized (this) {
                replacing = false;
            }
            LOG.info("the journal writes again");
        }
    }

    /** A write failed: a store failure (not a duplicate row, which is the writer's own conflict) replaces the connections. */
    void writeFailed(Throwable e) {
        if (e instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
            return;
        }
        if (isUnreachable(e)) {   // the pool reconnects by itself once the store answers
            writeProblem = "a write failed at " + now() + ": " + whyUnreachable(e);
            closeGate(writeProblem);
            return;
        }
        writeProblem = "a write failed at " + now() + ": " + JournalSchema.firstLine(e);
        replaceConnections(e);
    }

    /**
     * A retention sweep failed on the store itself (H2 closed it: "This store is closed", a failed write of
     * its own): its connections are replaced, as after a failed write. The sweep's H2 calls past JDBC
     * (the file's sync, the compaction) fail without the pool or H2's session seeing it. Anything else
     * (the store out of reach, which the checks watch; a timeout) leaves them.
     */
    @Override
    public void sweepFailed(Throwable e) {
        if (closedByH2(e)) {
            replaceConnections(e);
        }
    }

    /** Whether H2 failed the store: its MVStore's error, or "The database has been closed" (90098). */
    static boolean closedByH2(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.h2.mvstore.MVStoreException
                    || t instanceof SQLException sql && (sql.getErrorCode() == org.h2.api.ErrorCode.DATABASE_IS_CLOSED
                            || String.valueOf(sql.getMessage()).contains("MVStoreException"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String closedBecause() {
        return unreachable;
    }

    /**
     * Whether the failure says the store cannot be reached (SQL state class 08, connection exception;
     * 57P, the server shutting down or starting; or the pool finding no connection it can open),
     * rather than refusing this one statement.
     */
    static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException && t.getCause() != null) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /** The store's own words (the driver's "Connection to HOST:PORT refused"), not the pool's timeout around them. */
    static String whyUnreachable(Throwable e) {
        SQLException innermost = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                innermost = sql;
            }
        }
        return JournalSchema.firstLine(innermost != null ? innermost : e);
    }

    private synchronized void closeGate(String why) {
        answeringSinceNanos = 0;
        if (unreachable == null) {   // the first reason, with its time, stands until the store answers
            LOG.warn("the journal cannot be reached ({}); calls are refused until it is back", why);
            unreachable = why;
        }
    }

    /** The store answered a check: once it has for {@link #SETTLE_MS}, the gate opens. */
    private synchronized void storeAnswered() {
        if (unreachable == null) {
            return;
        }
        long now = System.nanoTime();
        if (answeringSinceNanos == 0) {
            answeringSinceNanos = now;
        } else if (now - answeringSinceNanos >= TimeUnit.MILLISECONDS.toNanos(SETTLE_MS)) {
            unreachable = null;
            answeringSinceNanos = 0;
            LOG.info("the journal answers again; calls are taken again");
        }
    }

    @Override
    public java.sql.Connection connection() throws SQLException {
        HikariDataSource connections = pool;
        if (connections != null && !connections.isClosed()) {
            return connections.getConnection();
        }
        var config = system.settings().config();
        java.util.Properties credentials = new java.util.Properties();
        credentials.setProperty("user", config.getString(DB_SETTINGS + "user"));
        credentials.setProperty("password", config.getString(DB_SETTINGS + "password"));
        for (String property : new String[] {"sslmode", "ApplicationName"}) {
            if (config.hasPath(DB_SETTINGS + "properties." + property)) {
                credentials.setProperty(property, config.getString(DB_SETTINGS + "properties." + property));
            }
        }
        return java.sql.DriverManager.getConnection(config.getString(DB_SETTINGS + "url"), credentials);
    }

    @Override
    public String store() {
        var config = system.settings().config();
        return config.hasPath(DESCRIPTION_SETTING) ? config.getString(DESCRIPTION_SETTING) : "H2 journal";
    }

    @Override
    public long sizeBytes() throws SQLException {
        var config = system.settings().config();
        if (config.hasPath(H2_FILE_SETTING)) {
            try {
                return java.nio.file.Files.size(java.nio.file.Path.of(config.getString(H2_FILE_SETTING)));
            } catch (java.io.IOException e) {
                throw new SQLException("cannot read the size of " + config.getString(H2_FILE_SETTING) + ": " + e.getMessage(), e);
            }
        }
        try (Connection c = connection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            try (java.sql.ResultSet r = s.executeQuery(POSTGRES_SIZE)) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    @Override
    public String sizeOf() {
        var config = system.settings().config();
        return config.hasPath(H2_FILE_SETTING) ? "the file " + config.getString(H2_FILE_SETTING) : "its tables";
    }

    @Override
    public java.time.Duration recentWriteLatency() {
        long[] writes;
        synchronized (recentWrites) {
            writes = java.util.Arrays.copyOf(recentWrites, (int) Math.min(recentWriteCount, RECENT_WRITES));
        }
        if (writes.length == 0) {
            return null;
        }
        java.util.Arrays.sort(writes);
        return java.time.Duration.ofNanos(writes[writes.length / 2]);
    }

    @Override
    public String writeProblem() {
        String write = writeProblem;
        String read = readProblem;
        return write != null ? write : read != null ? read : unreachable;
    }

    /**
     * Reads a journal table on a pooled connection; when that fails (H2 closed the database: "has
     * been closed", or "Transaction N is closed" on a connection that still answers SELECT 1), the
     * connections are replaced. A busy pool or a timeout is no such sign.
     */
    void reopenIfClosed() {
        HikariDataSource connections = pool;
        if (connections == null || connections.isClosed()) {
            return;
        }
        try (Connection c = connections.getConnection(); Statement s = c.createStatement()) {
            noteEmbedded(c);
            s.setQueryTimeout(2);
            s.execute("SELECT 1 FROM \"event_journal\" WHERE 1 = 0");
            readProblem = null;
            storeAnswered();
        } catch (SQLTransientException e) {
            if (isUnreachable(e)) {
                closeGate("it cannot be reached since " + now() + ": " + whyUnreachable(e));
            }
            // otherwise the pool is busy or slow: the next check sees
        } catch (SQLException e) {
            if (isUnreachable(e)) {
                closeGate("reading it failed at " + now() + ": " + whyUnreachable(e));
            }
            readProblem = "reading it failed at " + now() + ": " + JournalSchema.firstLine(e);
            replaceConnections(e);
        }
    }

    /** Every pooled connection is closed once it is back; new ones open the database afresh. */
    private void replaceConnections(Throwable why) {
        HikariDataSource connections = pool;
        if (connections == null || connections.isClosed()) {
            return;
        }
        synchronized (this) {
            if (!replacing) {
                LOG.warn("the journal failed ({}); its connections are replaced, and it reopens on the next", JournalSchema.firstLine(why));
                replacing = true;
            }
        }
        connections.getHikariPoolMXBean().softEvictConnections();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }
}
