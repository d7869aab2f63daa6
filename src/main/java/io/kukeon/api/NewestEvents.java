package io.kukeon.api;

import com.google.protobuf.CodedOutputStream;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.HistoryResponse;

import java.util.ArrayDeque;

/** The newest events of one object that fit a response's budget, and how many older ones were left out. */
final class NewestEvents {
    private final long budget;
    private final ArrayDeque<Event> kept = new ArrayDeque<>();
    private long bytes;
    private long leftOut;

    NewestEvents(long budget) {
        this.budget = budget;
    }

    /** Keeps {@code event}, the oldest kept going out while the budget is exceeded; for a fold, returns this. */
    NewestEvents add(Event event) {
        kept.addLast(event);
        bytes += size(event);
        while (bytes > budget && !kept.isEmpty()) {
            bytes -= size(kept.removeFirst());
            leftOut++;
        }
        return this;
    }

    HistoryResponse response() {
        return HistoryResponse.newBuilder().addAllEvents(kept).setLeftOut(leftOut).build();
    }

    private static long size(Event event) {
        return CodedOutputStream.computeMessageSize(HistoryResponse.EVENTS_FIELD_NUMBER, event);
    }
}
