package io.kukeon.cli;

import java.util.Locale;

/** Byte counts for people: {@code 512 B}, {@code 4.2 MiB}. */
final class Sizes {
    private Sizes() {}

    static String of(long bytes) {
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
