package io.kukeon.supervisor;

/**
 * Whether calls may go into the tree now. While the journal's store cannot be reached, an actor
 * whose write failed keeps failing its recovery, and a command that reaches it waits until it is
 * dropped at the next restart; so such calls are refused at once instead.
 */
@FunctionalInterface
public interface JournalGate {
    JournalGate OPEN = () -> null;

    /** Null while calls may go in; otherwise why the journal cannot take them, in one line. */
    String closedBecause();
}
