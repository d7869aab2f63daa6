package io.kukeon.supervisor;

/** An event of any level, as written to the journal (under its {@link JournalName}). */
public interface JournalEvent extends Journaled {
    /** One human line, as {@code kuke events} prints it. */
    String summary();
}
