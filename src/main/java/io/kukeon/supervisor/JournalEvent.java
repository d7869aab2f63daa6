package io.kukeon.supervisor;

/**
 * An event of any level, as written to the journal. The record names (class names) are part of
 * the journal's format: renaming one breaks replay of old journals.
 */
public interface JournalEvent extends CborSerializable {
    /** One human line, as {@code kuke events} prints it. */
    String summary();
}
