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
}
