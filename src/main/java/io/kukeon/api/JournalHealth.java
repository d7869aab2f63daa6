package io.kukeon.api;

/** The journal's store: whether it takes writes, and connections to read it with. */
public interface JournalHealth {
    /** Null while the journal writes; otherwise why it cannot, in one line. */
    String writeProblem();

    /** Which store holds the journal and where, e.g. "H2 journal" or "PostgreSQL journal on db1:5432/kukeon"; no credentials. */
    String store();

    /**
     * A connection of the journal's own pool, for reads of our own (status, the last offset): a
     * second, direct connection to the embedded database would not see it reopened after a failure
     * ("Database may be already in use"). Before the journal has opened its pool, a direct one.
     */
    java.sql.Connection connection() throws java.sql.SQLException;

    /**
     * Bytes the journal takes on its store: the H2 file, or on PostgreSQL {@code pg_total_relation_size}
     * of the journal's tables (indexes and TOAST included). Blocking.
     */
    long sizeBytes() throws java.sql.SQLException;

    /** What the size counts, e.g. "the file /var/lib/kukeon/journal/kukeon.mv.db" or "its tables". */
    String sizeOf();

    /** The median time of the journal's last successful writes (at most {@code RECENT_WRITES}); null before the first. */
    java.time.Duration recentWriteLatency();

    /** How many of the last writes {@link #recentWriteLatency()} looks at. */
    int RECENT_WRITES = 64;
}
