package io.kukeon.supervisor;

import java.util.Set;

/** Every event carries the tag {@link #EVENTS}, so the read journal can stream all of them in global order. */
public final class JournalTags {
    public static final String EVENTS = "kukeon";
    public static final Set<String> ALL = Set.of(EVENTS);

    private JournalTags() {}
}
