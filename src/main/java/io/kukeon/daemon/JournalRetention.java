package io.kukeon.daemon;

import io.kukeon.api.RetentionPolicy;
import io.kukeon.supervisor.JournalName;
import io.kukeon.supervisor.cell.CellEvent;
import io.kukeon.supervisor.container.ContainerEvent;
import io.kukeon.supervisor.scope.ScopeEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the journal bounded: a background sweep, on a thread of its own (never the actors'), deletes
 * the events older than {@link RetentionPolicy#keep()} that an object's recovery no longer needs:
 * <ul>
 * <li>of an object that exists, those its latest snapshot covers, always leaving its newest
 *     {@link RetentionPolicy#keepPerObject()} (so {@code kuke events KIND/NAME} still tells its recent story,
 *     and the highest sequence number stays in the table, where the journal continues from it);</li>
 * <li>of a deleted object (its newest event says so, and is itself older than {@code keep}), every
 *     event and snapshot: nothing recovers it any more.</li>
 * </ul>
 * Deletes go in transactions of at most {@link #CHUNK} rows and the sweep rests as long as it worked
 * between them, so that it takes at most half of the store's time from the writers. The event's tags
 * go with it ({@code ON DELETE CASCADE}). On H2 the file is then compacted ({@link H2Compaction}).
 *
 * <p>While the journal cannot write (a full disk: H2 has closed its store), a sweep is skipped, and
 * one under way ends after its statement: it could only fail, on connections bound to the closed
 * store. One that fails on the store tells it ({@link Store#sweepFailed}), which replaces its
 * connections as after a failed write, so nothing the sweep touched stays bound to a closed store.
 */
public final class JournalRetention {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRetention.class);
    /** Rows deleted per transaction: short transactions, so writers never wait long behind one. */
    static final int CHUNK = 500;
    /** The first sweep waits for the start's recoveries; then one an hour (a day's events are a fraction of 30). */
    static final Duration FIRST_SWEEP = Duration.ofMinutes(1);
    static final Duration SWEEP_EVERY = Duration.ofHours(1);

    /** The journal names of the events after which an object is gone (manifests may add "#version"). */
    static final Set<String> DELETED = Set.of(journalName(ScopeEvent.Deleted.class), journalName(CellEvent.Deleted.class),
            journalName(ContainerEvent.ContainerDeleted.class));

    /** Connections to the journal's store (its pool's). */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    /** What the sweep asks of the journal's store, and tells it. */
    public interface Store {
        /** Why the journal cannot write now; null while it writes. */
        String writeProblem();

        /** A sweep failed with {@code e}: the store's connections may be bound to a database H2 has closed. */
        void sweepFailed(Throwable e);

        /** A store that never fails and hears nothing: the sweep run on its own (tests, tools). */
        Store NONE = new Store() {
            @Override
            public String writeProblem() {
                return null;
            }

            @Override
            public void sweepFailed(Throwable e) {
                // nothing to replace
            }
        };
    }

    /** What a scheduled sweep came to. */
    enum Outcome { SWEPT, SKIPPED, FAILED }

    /** What one sweep did. */
    public record Sweep(long eventsDeleted, long snapshotsDeleted, int objectsTrimmed, int objectsRemoved) {}

    private final Connections connections;
    private final RetentionPolicy policy;
    private final Clock clock;
    /** Null for a database server, which reclaims space on its own (autovacuum). */
    private final H2Compaction compaction;
    private final Store store;
    /** Set at kukeond's stop: the sweep ends after its statement, never interrupted inside H2's file I/O. */
    private volatile boolean stopping;

    public JournalRetention(Connections connections, RetentionPolicy policy, Clock clock, H2Compaction compaction) {
        this(connections, policy, clock, compaction, Store.NONE);
    }

    public JournalRetention(Connections connections, RetentionPolicy policy, Clock clock, H2Compaction compaction, Store store) {
        this.connections = connections;
        this.policy = policy;
        this.clock = clock;
        this.compaction = compaction;
        this.store = store;
    }

    /** kukeond's sweep: on the journal's pool, told when the journal fails; compacting when the journal is H2. */
    static JournalRetention of(JournalStore store, RetentionPolicy policy, JournalSettings.Kind kind) {
        return new JournalRetention(store::connection, policy, Clock.systemUTC(),
                kind == JournalSettings.Kind.H2 ? new H2Compaction(store::connection) : null, store);
    }

    /** Sweeps in the background; the task returned stops it. Nothing when everything is kept. */
    public Runnable startInBackground() {
        if (policy.keepsEverything()) {
            return () -> { };
        }
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kukeond-journal-retention");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweepOnSchedule, FIRST_SWEEP.toMillis(), SWEEP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        // not shutdownNow: an interrupt inside H2's file I/O closes the file channel for every session
        return () -> {
            stopping = true;
            sweeper.shutdown();
        };
    }

    /** At kukeond's stop, or once the journal fails: the sweep ends after its statement. */
    private boolean stopped() {
        return stopping || Thread.currentThread().isInterrupted() || store.writeProblem() != null;
    }

    /** The scheduled sweep: skipped while the journal cannot write, logged when it deleted something or failed. */
    Outcome sweepOnSchedule() {
        String problem = store.writeProblem();
        if (problem != null) {
            LOG.info("journal retention: skipped, the journal cannot write ({}); the next sweep is in {}", problem, SWEEP_EVERY);
            return Outcome.SKIPPED;
        }
        try {
            Sweep done = sweep();
            if (done.eventsDeleted() > 0 || done.snapshotsDeleted() > 0) {
                LOG.info("journal retention ({}): deleted {} events and {} snapshots ({} objects trimmed, {} deleted objects removed)",
                        policy.describe(), done.eventsDeleted(), done.snapshotsDeleted(), done.objectsTrimmed(), done.objectsRemoved());
            }
            return Outcome.SWEPT;
        } catch (SQLException | RuntimeException e) {
            store.sweepFailed(e);
            LOG.warn("journal retention: the sweep stopped ({}); the next one is in {}", JournalSchema.firstLine(e), SWEEP_EVERY);
            return Outcome.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.FAILED;
        }
    }

    /** One sweep over every object of the journal, then (H2) a compaction when something was deleted. Blocking. */
    public Sweep sweep() throws SQLException, InterruptedException {
        if (policy.keepsEverything() || stopped()) {
            return new Sweep(0, 0, 0, 0);
        }
        if (compaction != null) {
            // snapshots are not synced at their write (journal.sync covers events): the ones that
            // cover what this sweep deletes must not be lost to a power cut that the deletions survive
            compaction.syncFile();
        }
        long cutoff = clock.millis() - policy.keep().toMillis();
        long events = 0;
        long snapshots = 0;
        int trimmed = 0;
        int removed = 0;
        String after = "";
        while (!stopped()) {
            String id;
            Ends ends;
            long covered;
            try (Connection c = connections.open()) {
                id = nextPersistenceId(c, after);
                if (id == null) {
                    break;
                }
                ends = ends(c, id);
                covered = newestSnapshot(c, id);
            }
            after = id;
            if (ends == null || ends.oldestTimestamp() >= cutoff) {
                continue;   // nothing old enough: the common case, two index lookups
            }
            if (ends.newestIsDeletion() && ends.newestTimestamp() < cutoff) {
                events += deleteEvents(id, ends.oldestSeq(), ends.newestSeq(), Long.MAX_VALUE);
                snapshots += deleteSnapshots(id, ends.newestSeq());
                removed++;
                continue;
            }
            long upTo = Math.min(covered, ends.newestSeq() - policy.keepPerObject());
            if (upTo >= ends.oldestSeq()) {
                long deleted = deleteEvents(id, ends.oldestSeq(), upTo, cutoff);
                events += deleted;
                trimmed += deleted > 0 ? 1 : 0;
            }
        }
        if (events + snapshots > 0 && compaction != null) {
            compaction.compact(this::stopped);
        }
        return new Sweep(events, snapshots, trimmed, removed);
    }

    /** The next persistence id after {@code after}: one step along the primary key, never a scan. */
    private static String nextPersistenceId(Connection c, String after) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT \"persistence_id\" FROM \"event_journal\" WHERE \"persistence_id\" > ? "
                + "ORDER BY \"persistence_id\" LIMIT 1")) {
            s.setString(1, after);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    private record Ends(long oldestSeq, long oldestTimestamp, long newestSeq, long newestTimestamp, boolean newestIsDeletion) {}

    private static Ends ends(Connection c, String id) throws SQLException {
        String query = "SELECT \"sequence_number\", \"write_timestamp\", \"event_ser_manifest\" FROM \"event_journal\" "
                + "WHERE \"persistence_id\" = ? ORDER BY \"sequence_number\" %s LIMIT 1";
        try (PreparedStatement oldest = c.prepareStatement(query.formatted("ASC"));
             PreparedStatement newest = c.prepareStatement(query.formatted("DESC"))) {
            oldest.setString(1, id);
            newest.setString(1, id);
            try (ResultSet first = oldest.executeQuery(); ResultSet last = newest.executeQuery()) {
                if (!first.next() || !last.next()) {
                    return null;
                }
                String manifest = last.getString(3);
                int hash = manifest.indexOf('#');
                return new Ends(first.getLong(1), first.getLong(2), last.getLong(1), last.getLong(2),
                        DELETED.contains(hash < 0 ? manifest : manifest.substring(0, hash)));
            }
        }
    }

    /** The sequence number the object's latest snapshot holds its state at (0: none). */
    private static long newestSnapshot(Connection c, String id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT MAX(\"sequence_number\") FROM \"snapshot\" WHERE \"persistence_id\" = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Deletes the object's events {@code from..upTo} written before {@code before}, {@link #CHUNK} sequence numbers a transaction. */
    private long deleteEvents(String id, long from, long upTo, long before) throws SQLException, InterruptedException {
        long deleted = 0;
        for (long low = from; low <= upTo && !stopped(); low += CHUNK) {
            long high = Math.min(upTo, low + CHUNK - 1);
            long started = System.nanoTime();
            try (Connection c = connections.open();
                 PreparedStatement s = c.prepareStatement("DELETE FROM \"event_journal\" WHERE \"persistence_id\" = ? "
                         + "AND \"sequence_number\" BETWEEN ? AND ? AND \"write_timestamp\" < ?")) {
                s.setString(1, id);
                s.setLong(2, low);
                s.setLong(3, high);
                s.setLong(4, before);
                deleted += s.executeUpdate();
            }
            rest(started);
        }
        return deleted;
    }

    private long deleteSnapshots(String id, long upTo) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        try (Connection c = connections.open();
             PreparedStatement s = c.prepareStatement("DELETE FROM \"snapshot\" WHERE \"persistence_id\" = ? AND \"sequence_number\" <= ?")) {
            s.setString(1, id);
            s.setLong(2, upTo);
            int deleted = s.executeUpdate();
            rest(started);
            return deleted;
        }
    }

    /** As long as the work since {@code startedNanos} took: the sweep has at most half of the store's time. */
    private static void rest(long startedNanos) throws InterruptedException {
        long worked = System.nanoTime() - startedNanos;
        TimeUnit.NANOSECONDS.sleep(Math.min(worked, TimeUnit.SECONDS.toNanos(1)));
    }

    private static String journalName(Class<?> type) {
        return type.getAnnotation(JournalName.class).value();
    }
}
