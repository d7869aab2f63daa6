package io.kukeon.api;

import java.time.Duration;

/**
 * How long the journal keeps events (see {@code io.kukeon.daemon.JournalRetention}).
 *
 * @param keep          events younger than this are always kept; zero = keep everything (no sweep)
 * @param keepPerObject the newest events of an existing object that are kept whatever their age (at least 1)
 */
public record RetentionPolicy(Duration keep, int keepPerObject) {
    public boolean keepsEverything() {
        return keep.isZero();
    }

    /** e.g. "30d, and the last 100 events of each object", as the events' history line and the log say it. */
    public String describe() {
        if (keepsEverything()) {
            return "everything";
        }
        long seconds = keep.toSeconds();
        String age = seconds % 86_400 == 0 ? seconds / 86_400 + "d" : seconds % 3600 == 0 ? seconds / 3600 + "h"
                : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
        return age + ", and the last " + keepPerObject + " events of each object";
    }
}
