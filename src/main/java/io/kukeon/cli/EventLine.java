package io.kukeon.cli;

import io.kukeon.wire.v1.Event;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One journal event as one line: {@code TIME  kind/path  TYPE  summary} ({@code host} for the daemon's
 * own); or as a record for {@code -o}, named {@code event/OFFSET}.
 */
final class EventLine {
    private EventLine() {}

    static String of(Event e) {
        return (e.getTimestamp().isEmpty() ? "-" : e.getTimestamp()) + "  "
                + e.getKind().toLowerCase(Locale.ROOT) + (e.getPath().isEmpty() ? "" : "/" + e.getPath()) + "  "
                + e.getType() + (e.getSummary().isEmpty() ? "" : "  " + ErrorLine.oneLine(e.getSummary()));
    }

    static Printed.Item item(Event e) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("offset", e.getOffset());
        doc.put("timestamp", e.getTimestamp());
        doc.put("kind", e.getKind());
        doc.put("path", e.getPath());
        doc.put("type", e.getType());
        doc.put("summary", e.getSummary());
        return new Printed.Item("event/" + e.getOffset(), doc);
    }
}
