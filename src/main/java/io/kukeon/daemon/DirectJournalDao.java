package io.kukeon.daemon;

import io.kukeon.metrics.DaemonMetrics;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.PekkoSerialization;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.scaladsl.Source;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.concurrent.Future$;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * pekko-persistence-jdbc's journal DAO with a shorter write path for an embedded database: each
 * batch of events is inserted on the journal actor's own thread, in one transaction on a
 * connection borrowed from the pool for it. The default DAO hands every write to a stream queue
 * and then to Slick's thread pool, three thread hand-offs that cost far more than H2's commit
 * (0.1 ms). A recovery's reads (its events, its highest sequence number) are direct too, on the
 * {@link JournalReaders}' threads; deletes, a live query's polling and the read journal are the
 * default DAO's. Rows and tags are the same, in the same tables, named as in
 * {@code journal-schema/h2.sql} and {@code postgres.sql} (the plugin's defaults; quoted lower
 * case, which both H2 and PostgreSQL read as the same names).
 *
 * <p>On H2 with {@code journal.sync = commit} (the default) the writes go to a {@link GroupCommitter}
 * instead: what the actors wait to write is committed in one transaction and the file synced once
 * ({@code CHECKPOINT SYNC}: H2 writes what it holds and fsyncs its file), before any of them is
 * answered. H2's {@code WRITE_DELAY=0} alone writes each commit to the page cache and never syncs it.
 */
public final class DirectJournalDao extends DefaultJournalDao {
    private static final String INSERT_EVENT = "INSERT INTO \"event_journal\" (\"deleted\", \"persistence_id\", "
            + "\"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", "
            + "\"event_ser_id\", \"event_ser_manifest\", \"meta_payload\", \"meta_ser_id\", \"meta_ser_manifest\") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** The generated key asked for by name: PostgreSQL would return every column for RETURN_GENERATED_KEYS. */
    private static final String[] ORDERING = {"ordering"};
    private static final String SELECT_EVENTS = "SELECT \"ordering\", \"deleted\", \"persistence_id\", "
            + "\"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", "
            + "\"event_ser_id\", \"event_ser_manifest\", \"meta_payload\", \"meta_ser_id\", \"meta_ser_manifest\" "
            + "FROM \"event_journal\" WHERE \"persistence_id\" = ? AND \"sequence_number\" >= ? "
            + "AND \"sequence_number\" <= ? ORDER BY \"sequence_number\" LIMIT ?";
    /** As the default DAO's: deleted rows count (the newest is kept, marked deleted, to hold the number). */
    private static final String SELECT_HIGHEST = "SELECT MAX(\"sequence_number\") FROM \"event_journal\" "
            + "WHERE \"persistence_id\" = ?";
    private static final String INSERT_TAG = "INSERT INTO \"event_tag\" (\"event_id\", \"tag\") VALUES (?, ?)";
    /** H2's own statement: writes what the store holds and forces its file to the device (fsync). */
    private static final String SYNC = "CHECKPOINT SYNC";
    /** Writes that may wait for the disk; more are refused (their actors fail the persist, restart, and retry). */
    static final int SYNC_QUEUE = 4096;
    /** Below the journal plugin's circuit-breaker call-timeout (10 s), so that ours is the failure reported. */
    static final Duration SYNC_TIMEOUT = Duration.ofSeconds(5);

    private final JournalStore store;
    private final Serialization serialization;
    private final JournalReaders readers;
    private final boolean groupCommits;
    private final ExecutionContext writers;
    /** H2 with journal.sync = commit: writes wait for a sync of the file; null otherwise. */
    private final GroupCommitter<Seq<Tuple2<JournalTables.JournalPekkoSerializationRow, Set<String>>>> synced;

    public DirectJournalDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, JournalConfig journalConfig,
                            Serialization serialization, ExecutionContext ec, Materializer mat) {
        super(db, profile, journalConfig, serialization, ec, mat);
        this.store = JournalStore.get(mat.system());
        this.serialization = serialization;
        this.readers = JournalReaders.get(mat.system());
        this.groupCommits = !(profile instanceof slick.jdbc.H2Profile);
        this.writers = groupCommits ? writerPool(mat.system(), journalConfig.daoConfig().parallelism()) : ec;
        this.synced = !groupCommits && syncAtCommit(mat.system()) ? syncedWriter(mat.system()) : null;
        store.watch(db);
    }

    private static boolean syncAtCommit(org.apache.pekko.actor.ActorSystem system) {
        var config = system.settings().config();
        return !config.hasPath(JournalStore.SYNC_SETTING)
                || !config.getString(JournalStore.SYNC_SETTING).equals(JournalSettings.Sync.OS.value());
    }

    private GroupCommitter<Seq<Tuple2<JournalTables.JournalPekkoSerializationRow, Set<String>>>> syncedWriter(
            org.apache.pekko.actor.ActorSystem system) {
        var committer = new GroupCommitter<>("kukeond-journal-sync", new SyncedFile(), SYNC_QUEUE, SYNC_TIMEOUT);
        system.registerOnTermination(committer::close);
        return committer;
    }

    /**
     * H2 synced at commit: to the group committer, answered once the file is synced. H2 left to the
     * OS: at once, on the journal actor's thread (a commit costs 0.1 ms). A database server: through the
     * default DAO's queue, which gathers what every actor waits to write into one transaction
     * ({@link #writeJournalRows}) — one commit round trip for many writers, where one each would make
     * 100 concurrent writers wait behind each other's commits (measured: 120 events/s, 0.8 s each).
     */
    @Override
    public Future<BoxedUnit> queueWriteJournalRows(Seq<Tuple2<JournalTables.JournalPekkoSerializationRow, Set<String>>> rows) {
        if (synced != null) {
            return FutureConverters.asScala(synced.submit(rows).whenComplete((ok, failure) -> {
                if (failure instanceof TimeoutException || failure instanceof RejectedExecutionException) {
                    DaemonMetrics.JOURNAL_WRITE_FAILURES.inc();   // a store failure is counted where it happened
                }
            }).thenApply(ok -> BoxedUnit.UNIT));
        }
        return groupCommits ? super.queueWriteJournalRows(rows) : writeJournalRows(rows);
    }

    /**
     * One transaction for these rows. Gathered by the queue (a database server), on the DAO's pool, so
     * that several batches are written at once as the default DAO does; otherwise on this thread.
     */
    @Override
    public Future<BoxedUnit> writeJournalRows(
            Seq<Tuple2<JournalTables.JournalPekkoSerializationRow, Set<String>>> rows) {
        if (!groupCommits) {
            return write(rows);
        }
        return Future$.MODULE$.delegate(() -> write(rows), writers);
    }

    /**
     * Threads of their own for the gathered writes, as many as the queue writes at once: a write that
     * waits on the database (up to the pool's 2 s connection timeout when it is away) must not hold a
     * thread of the actors' dispatcher.
     */
    private static ExecutionContext writerPool(org.apache.pekko.actor.ActorSystem system, int threads) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "kukeond-journal-writer");
            t.setDaemon(true);
            return t;
        });
        system.registerOnTermination(pool::shutdown);
        return ExecutionContext.fromExecutorService(pool);
    }

    private Future<BoxedUnit> write(Seq<Tuple2<JournalTables.JournalPekkoSerializationRow, Set<String>>> rows) {
        long started = System.nanoTime();
        try {
            commit(List.of(rows), started);
        } catch (SQLException | RuntimeException e) {
            return Future$.MODULE$.failed(e);
        }
        wrote(started);
        return Future$.MODULE$.successful(BoxedUnit.UNIT);
    }

    /** The batches in one transaction on a pooled connection; a failure is told to the store and thrown. */
    private void commit(List<Seq<Tuple2<JournalTables.JournalPekkoSerializationRow, Set<String>>>> batches, long started)
            throws SQLException {
        try (Connection c = db().source().createConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement events = c.prepareStatement(INSERT_EVENT, ORDERING);
                 PreparedStatement tags = c.prepareStatement(INSERT_TAG)) {
                for (Seq<Tuple2<JournalTables.JournalPekkoSerializationRow, Set<String>>> rows : batches) {
                    insertAll(events, tags, rows);
                }
                tags.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            } finally {
                restoreAutoCommit(c);
            }
        } catch (SQLException | RuntimeException e) {
            failed(started, e);
            throw e;
        }
    }

    private static void insertAll(PreparedStatement events, PreparedStatement tags,
                                  Seq<Tuple2<JournalTables.JournalPekkoSerializationRow, Set<String>>> rows) throws SQLException {
        var it = rows.iterator();
        while (it.hasNext()) {
            Tuple2<JournalTables.JournalPekkoSerializationRow, Set<String>> row = it.next();
            long ordering = insert(events, row._1());
            var tagIt = row._2().iterator();
            while (tagIt.hasNext()) {
                tags.setLong(1, ordering);
                tags.setString(2, tagIt.next());
                tags.addBatch();
            }
        }
    }

    private void wrote(long started) {
        long took = System.nanoTime() - started;
        DaemonMetrics.JOURNAL_WRITE.observe(took / 1e9);
        store.writeSucceeded(took);
    }

    private void failed(long started, Exception e) {
        DaemonMetrics.JOURNAL_WRITE.observe((System.nanoTime() - started) / 1e9);
        DaemonMetrics.JOURNAL_WRITE_FAILURES.inc();
        store.writeFailed(e);   // after the connection went back: a closed database's pool is replaced
    }

    /**
     * A recovery's replay: batches of {@code batchSize} events read directly, one after another,
     * in one stream (the default reads each batch through a stream of its own). A live query
     * ({@code refreshInterval} set) polls as the default does.
     */
    @Override
    public Source<Try<Tuple2<PersistentRepr, Object>>, NotUsed> messagesWithBatch(
            String persistenceId, long fromSequenceNr, long toSequenceNr, int batchSize,
            Option<Tuple2<FiniteDuration, Scheduler>> refreshInterval) {
        if (refreshInterval.isDefined()) {
            return super.messagesWithBatch(persistenceId, fromSequenceNr, toSequenceNr, batchSize, refreshInterval);
        }
        return org.apache.pekko.stream.javadsl.Source.unfoldAsync(Math.max(1, fromSequenceNr),
                        (Long from) -> nextBatch(persistenceId, from, toSequenceNr, batchSize))
                .mapConcat(events -> events)
                .asScala();
    }

    /** Where the replay stops: after a batch shorter than asked, or one that reached {@code toSequenceNr}. */
    private static final long REPLAYED = -1;

    private CompletionStage<Optional<Pair<Long, List<Try<Tuple2<PersistentRepr, Object>>>>>> nextBatch(
            String persistenceId, long from, long to, int batchSize) {
        if (from == REPLAYED || from > to) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return events(persistenceId, from, to, batchSize).thenApply(batch -> {
            if (batch.events().isEmpty()) {
                return Optional.empty();
            }
            long next = batch.events().size() < batchSize || batch.last() >= to ? REPLAYED : batch.last() + 1;
            return Optional.of(Pair.create(next, batch.events()));
        });
    }

    @Override
    public Source<Try<Tuple2<PersistentRepr, Object>>, NotUsed> messages(String persistenceId, long fromSequenceNr,
                                                                        long toSequenceNr, long max) {
        int limit = (int) Math.min(max, Integer.MAX_VALUE);
        return org.apache.pekko.stream.javadsl.Source.completionStage(events(persistenceId, fromSequenceNr, toSequenceNr, limit))
                .mapConcat(EventBatch::events)
                .asScala();
    }

    @Override
    public Future<Object> highestSequenceNr(String persistenceId, long fromSequenceNr) {
        return FutureConverters.asScala(readers.read(db(), SELECT_HIGHEST, s -> {
            s.setString(1, persistenceId);
            try (ResultSet r = s.executeQuery()) {
                return (Object) (r.next() ? r.getLong(1) : 0L);   // MAX of no rows is NULL: getLong gives 0
            }
        }));
    }

    /** Events as the plugin hands them to a recovery (a row that cannot be decoded: its failure), and the last row's number. */
    private record EventBatch(List<Try<Tuple2<PersistentRepr, Object>>> events, long last) {}

    private CompletionStage<EventBatch> events(String persistenceId, long from, long to, int max) {
        return readers.read(db(), SELECT_EVENTS, s -> {
            s.setString(1, persistenceId);
            s.setLong(2, from);
            s.setLong(3, to);
            s.setInt(4, max);
            List<Try<Tuple2<PersistentRepr, Object>>> events = new ArrayList<>();
            long last = from - 1;
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    JournalTables.JournalPekkoSerializationRow row = row(r);
                    events.add(PekkoSerialization.fromRow(serialization, row));
                    last = row.sequenceNumber();
                }
            }
            return new EventBatch(events, last);
        });
    }

    private static JournalTables.JournalPekkoSerializationRow row(ResultSet r) throws SQLException {
        byte[] metaPayload = r.getBytes(11);
        int metaSerId = r.getInt(12);
        Option<Object> metaSerIdOrNone = r.wasNull() ? Option.empty() : Option.apply(metaSerId);
        return new JournalTables.JournalPekkoSerializationRow(r.getLong(1), r.getBoolean(2), r.getString(3),
                r.getLong(4), r.getString(5), r.getLong(6), r.getString(7), r.getBytes(8), r.getInt(9), r.getString(10),
                Option.apply(metaPayload), metaSerIdOrNone, Option.apply(r.getString(13)));
    }

    /**
     * The H2 file as the group committer drives it, on its one thread: a group's commit, then one
     * sync; the group's time, from its commit to its sync, is what the metrics and status see.
     */
    private final class SyncedFile implements GroupCommitter.Store<Seq<Tuple2<JournalTables.JournalPekkoSerializationRow, Set<String>>>> {
        private long groupStarted;

        @Override
        public void commit(List<Seq<Tuple2<JournalTables.JournalPekkoSerializationRow, Set<String>>>> writes) throws SQLException {
            groupStarted = System.nanoTime();
            DirectJournalDao.this.commit(writes, groupStarted);
        }

        @Override
        public void sync() throws SQLException {
            try (Connection c = db().source().createConnection(); Statement s = c.createStatement()) {
                s.execute(SYNC);
            } catch (SQLException | RuntimeException e) {
                failed(groupStarted, e);
                throw e;
            }
            wrote(groupStarted);
        }
    }

    /** Rolls back, keeping the write's own failure: on a database H2 has closed the rollback fails too. */
    private static void rollback(Connection c, Exception writeFailure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            writeFailure.addSuppressed(e);
        }
    }

    /**
     * Back to the pool as it came. On a connection the server dropped this fails too, and must not
     * hide the write's own failure, which tells whether the store can be reached.
     */
    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException brokenConnection) {
            // the pool discards a broken connection; the write's outcome was already decided
        }
    }

    private static long insert(PreparedStatement s, JournalTables.JournalPekkoSerializationRow r) throws SQLException {
        s.setBoolean(1, r.deleted());
        s.setString(2, r.persistenceId());
        s.setLong(3, r.sequenceNumber());
        s.setString(4, r.writer());
        s.setLong(5, r.writeTimestamp());
        s.setString(6, r.adapterManifest());
        s.setBytes(7, r.eventPayload());
        s.setInt(8, r.eventSerId());
        s.setString(9, r.eventSerManifest());
        if (r.metaPayload().isDefined()) {
            s.setBytes(10, r.metaPayload().get());
        } else {
            s.setNull(10, Types.VARBINARY);   // BLOB would be an oid to PostgreSQL, not its bytea
        }
        if (r.metaSerId().isDefined()) {
            s.setInt(11, (Integer) r.metaSerId().get());
        } else {
            s.setNull(11, Types.INTEGER);
        }
        s.setString(12, r.metaSerManifest().isDefined() ? r.metaSerManifest().get() : null);
        s.executeUpdate();
        try (ResultSet keys = s.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("no ordering generated for " + r.persistenceId() + " #" + r.sequenceNumber());
            }
            return keys.getLong(1);
        }
    }
}

