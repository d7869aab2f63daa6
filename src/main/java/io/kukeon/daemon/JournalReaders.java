package io.kukeon.daemon;

import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import slick.jdbc.JdbcBackend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads on which the journal's recovery reads run ({@link DirectJournalDao}, {@link
 * DirectSnapshotDao}): plain JDBC on a pooled connection, one statement each. A recovery's reads
 * through the plugin's Slick queries and streams cost several times H2's own work (a flight
 * recording of an adoption: a third of kukeond's CPU); these are the same rows read directly.
 *
 * <p>Bounded both ways: one thread fewer than the journal's connections (a write finds one; at least one),
 * and {@link #QUEUE} reads waiting; Pekko lets 50 recoveries run at once, so a full queue means a
 * stuck store, and the read is refused (its recovery fails and its actor retries after a backoff).
 */
public final class JournalReaders implements Extension {
    static final int QUEUE = 1024;
    /** Below the journal plugin's circuit-breaker call-timeout (10 s), so that the store's failure is the one reported. */
    private static final int QUERY_TIMEOUT_SECONDS = 5;
    private static final String MAX_CONNECTIONS = "pekko-persistence-jdbc.shared-databases.slick.db.maxConnections";

    public static final Id ID = new Id();

    public static final class Id extends AbstractExtensionId<JournalReaders> {
        @Override
        public JournalReaders createExtension(ExtendedActorSystem system) {
            return new JournalReaders(system);
        }
    }

    /** One statement's read, its parameters set and run by it; the statement times out after {@link #QUERY_TIMEOUT_SECONDS}. */
    @FunctionalInterface
    interface Read<T> {
        T on(PreparedStatement statement) throws SQLException;
    }

    private final ThreadPoolExecutor threads;

    private JournalReaders(ActorSystem system) {
        var config = system.settings().config();
        int connections = config.hasPath(MAX_CONNECTIONS) ? config.getInt(MAX_CONNECTIONS) : 2;
        int size = Math.max(1, connections - 1);
        this.threads = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "kukeond-journal-reader");
            t.setDaemon(true);
            return t;
        });
        threads.allowCoreThreadTimeOut(true);   // idle after the recovery: no threads kept for nothing
        system.registerOnTermination(threads::shutdown);
    }

    public static JournalReaders get(ActorSystem system) {
        return ID.get(system);
    }

    /** The read's result, or its failure (a full queue: {@link RejectedExecutionException}). */
    <T> CompletionStage<T> read(JdbcBackend.JdbcDatabaseDef db, String sql, Read<T> read) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try (Connection c = db.source().createConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                    s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                    return read.on(s);
                } catch (SQLException e) {
                    throw new CompletionException(e);
                }
            }, threads);
        } catch (RejectedExecutionException full) {
            return CompletableFuture.failedFuture(full);
        }
    }
}
