package io.kukeon.model;

import java.util.Locale;

/** Byte counts for people: {@code 512 B}, {@code 4.2 MiB}. */
public final class Sizes {
    private Sizes() {}

    /** How far a transfer has come: {@code 1.0 MiB of 3.0 MiB}, or {@code 1.0 MiB} when the total is unknown (≤ 0). */
    public static String progress(long done, long total) {
        return of(done) + (total > 0 ? " of " + of(total) : "");
    }

    public static String of(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
