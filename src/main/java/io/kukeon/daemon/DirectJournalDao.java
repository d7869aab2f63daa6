package io.kukeon.daemon;

import io.kukeon.metrics.DaemonMetrics;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.concurrent.Future$;
import scala.runtime.BoxedUnit;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;

/**
 * pekko-persistence-jdbc's journal DAO with a shorter write path for an embedded database: each
 * batch of events is inserted on the journal actor's own thread, in one transaction on a
 * connection borrowed from the pool for it. The default DAO hands every write to a stream queue
 * and then to Slick's thread pool, three thread hand-offs that cost far more than H2's commit
 * (0.1 ms). Reads, deletes and the read journal are the default DAO's; rows and tags are the
 * same, in the same tables, named as in {@code journal-schema/h2.sql} and {@code postgres.sql} (the
 * plugin's defaults; quoted lower case, which both H2 and PostgreSQL read as the same names).
 */
public final class DirectJournalDao extends DefaultJournalDao {
    private static final String INSERT_EVENT = "INSERT INTO \"event_journal\" (\"deleted\", \"persistence_id\", "
            + "\"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", "
            + "\"event_ser_id\", \"event_ser_manifest\", \"meta_payload\", \"meta_ser_id\", \"meta_ser_manifest\") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** The generated key asked for by name: PostgreSQL would return every column for RETURN_GENERATED_KEYS. */
    private static final String[] ORDERING = {"ordering"};
    private static final String INSERT_TAG = "INSERT INTO \"event_tag\" (\"event_id\", \"tag\") VALUES (?, ?)";

    private final JournalStore store;
    private final boolean groupCommits;
    private final ExecutionContext writers;

    public DirectJournalDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, JournalConfig journalConfig,
                            Serialization serialization, ExecutionContext ec, Materializer mat) {
        super(db, profile, journalConfig, serialization, ec, mat);
        this.store = JournalStore.get(mat.system());
        this.groupCommits = !(profile instanceof slick.jdbc.H2Profile);
        this.writers = groupCommits ? writerPool(mat.system(), journalConfig.daoConfig().parallelism()) : ec;
        store.watch(db);
    }

    /**
     * H2: at once, on the journal actor's thread (a commit costs 0.1 ms). A database server: through the
     * default DAO's queue, which gathers what every actor waits to write into one transaction
     * ({@link #writeJournalRows}) — one commit round trip for many writers, where one each would make
     * 100 concurrent writers wait behind each other's commits (measured: 120 events/s, 0.8 s each).
     */
    @Override
    public Future<BoxedUnit> queueWriteJournalRows(Seq<Tuple2<JournalTables.JournalPekkoSerializationRow, Set<String>>> rows) {
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
        try (Connection c = db().source().createConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement events = c.prepareStatement(INSERT_EVENT, ORDERING);
                 PreparedStatement tags = c.prepareStatement(INSERT_TAG)) {
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
                tags.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(c, e);
                throw e;
            } finally {
                restoreAutoCommit(c);
            }
        } catch (SQLException | RuntimeException e) {
            DaemonMetrics.JOURNAL_WRITE.observe((System.nanoTime() - started) / 1e9);
            DaemonMetrics.JOURNAL_WRITE_FAILURES.inc();
            store.writeFailed(e);   // after the connection went back: a closed database's pool is replaced
            return Future$.MODULE$.failed(e);
        }
        long took = System.nanoTime() - started;
        DaemonMetrics.JOURNAL_WRITE.observe(took / 1e9);
        store.writeSucceeded(took);
        return Future$.MODULE$.successful(BoxedUnit.UNIT);
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
