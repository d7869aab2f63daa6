package io.kukeon.daemon;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Gives the H2 journal's free space back to the file system after the retention sweep. H2 reuses
 * the space of deleted rows only once whole chunks of its file are dead, and with
 * {@code WRITE_DELAY=0} it has no background writer to compact them; so the sweep asks the
 * database's MVStore to compact: rewrite the sparse chunks and move them down, then truncate
 * ({@link MVStore#compactFile}, what H2 itself does for up to 200 ms when it closes).
 *
 * <p>It holds the store's lock meanwhile, so it goes in short slices, resting as long between
 * them. {@code compactFile} also sets the store's retention time to 0 for good (old chunks may be
 * overwritten at once); the setting it had is put back after each slice.
 */
public final class H2Compaction {
    /** One slice: writers wait at most this long behind it. */
    static final int SLICE_MILLIS = 100;
    /** Slices per compaction: bounded, the next sweep goes on. */
    static final int MAX_SLICES = 50;

    private final JournalRetention.Connections connections;

    public H2Compaction(JournalRetention.Connections connections) {
        this.connections = connections;
    }

    /** Compacts in slices until the file stops shrinking (or {@link #MAX_SLICES}). Blocking. */
    public void compact() throws SQLException, InterruptedException {
        try (Connection c = connections.open()) {
            MVStore store = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
            long size = store.getFileStore().size();
            for (int slice = 0; slice < MAX_SLICES && !Thread.currentThread().isInterrupted(); slice++) {
                int retention = store.getRetentionTime();
                try {
                    store.compactFile(SLICE_MILLIS);
                } finally {
                    store.setRetentionTime(retention);
                }
                long now = store.getFileStore().size();
                if (now >= size) {
                    return;
                }
                size = now;
                Thread.sleep(SLICE_MILLIS);
            }
        }
    }
}
