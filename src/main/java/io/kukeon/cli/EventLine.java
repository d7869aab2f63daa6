package io.kukeon.cli;

import io.kukeon.wire.v1.Event;

import java.util.Locale;

/** One journal event as one line: {@code TIME  kind/path  TYPE  summary} ({@code host} for the daemon's own). */
final class EventLine {
    private EventLine() {}

    static String of(Event e) {
        return (e.getTimestamp().isEmpty() ? "-" : e.getTimestamp()) + "  "
                + e.getKind().toLowerCase(Locale.ROOT) + (e.getPath().isEmpty() ? "" : "/" + e.getPath()) + "  "
                + e.getType() + (e.getSummary().isEmpty() ? "" : "  " + ErrorLine.oneLine(e.getSummary()));
    }
}
