package io.kukeon.supervisor;

/**
 * What the journal holds: every event and every snapshot state of the tree. Bound to
 * {@code io.kukeon.supervisor.journal.JournalSerializer}, which writes each under a stable type
 * name (its {@link JournalName}), never its Java class name: classes can move, the journal stays.
 */
public interface Journaled {}
