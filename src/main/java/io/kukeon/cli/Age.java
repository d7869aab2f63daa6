package io.kukeon.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** A timestamp as an age column shows it: {@code 45s}, {@code 12m}, {@code 5h}, {@code 3d}, {@code 2y}. */
final class Age {
    private Age() {}

    /** @param rfc3339 as the API sends times; empty or unparsable gives {@code -} */
    static String since(String rfc3339, Instant now) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return "-";
        }
        try {
            return of(Duration.between(Instant.parse(rfc3339), now));
        } catch (DateTimeParseException e) {
            return "-";
        }
    }

    static String of(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + "s";
        }
        long m = s / 60;
        if (m < 180) {
            return m + "m";
        }
        long h = m / 60;
        if (h < 48) {
            return h + "h";
        }
        long days = h / 24;
        return days < 730 ? days + "d" : days / 365 + "y";
    }
}
