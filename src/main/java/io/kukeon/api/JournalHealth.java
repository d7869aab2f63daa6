package io.kukeon.api;

/** Whether the journal's store takes writes, as its last writes found it. */
public interface JournalHealth {
    /** Null while the journal writes; otherwise why it cannot, in one line. */
    String writeProblem();
}
