package io.kukeon.daemon;

import org.h2.engine.Database;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Gives the H2 journal's free space back after the retention sweep. H2 reuses the space of deleted
 * rows only once whole chunks of its file are dead, and with {@code WRITE_DELAY=0} it has no
 * background writer to rewrite the sparse ones; so the sweep does what that writer's housekeeping
 * does: {@link MVStore#compact(int, int)} rewrites the live rows of chunks below a fill rate into
 * new ones, the old chunks die, their space is reused by later writes, and the file is truncated
 * when its end is free. Not {@code compactFile}, which moves chunks and is meant for a closed
 * store: on an open one it failed an assertion of H2 2.4.240 ("AssertionError: 42").
 *
 * <p>Bounded: at most {@link #SLICE_BYTES} rewritten a slice, {@link #MAX_SLICES} slices, resting
 * between them as long as each took.
 */
public final class H2Compaction {
    /** Rewrite chunks filled less than this (percent), as H2's own housekeeping does by default. */
    static final int TARGET_FILL_RATE = 90;
    /** Bytes rewritten in one slice. */
    static final int SLICE_BYTES = 4 << 20;
    /** Slices per compaction: bounded, the next sweep goes on. */
    static final int MAX_SLICES = 256;

    private final JournalRetention.Connections connections;

    public H2Compaction(JournalRetention.Connections connections) {
        this.connections = connections;
    }

    /** Forces what H2 has written to its file onto the disk (fsync). Blocking. */
    public void syncFile() throws SQLException {
        try (Connection c = connections.open()) {
            store(c).sync();
        }
    }

    private static MVStore store(Connection c) throws SQLException {
        return database(c).getStore().getMvStore();
    }

    /** The embedded database behind a connection to it: one per file and JVM, shared by every connection. */
    static Database database(Connection c) throws SQLException {
        return ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase();
    }

    /** Rewrites sparse chunks, slice by slice, until none is left (or {@link #MAX_SLICES}, or {@code stopped}). Blocking. */
    public void compact(java.util.function.BooleanSupplier stopped) throws SQLException, InterruptedException {
        try (Connection c = connections.open()) {
            MVStore store = store(c);
            for (int slice = 0; slice < MAX_SLICES && !stopped.getAsBoolean(); slice++) {
                long started = System.nanoTime();
                boolean rewritten = store.compact(TARGET_FILL_RATE, SLICE_BYTES);
                store.commit();
                if (!rewritten) {
                    return;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(System.nanoTime() - started);
            }
        }
    }
}
