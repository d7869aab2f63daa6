package io.kukeon.model;

import java.util.Locale;

/**
 * Byte counts: the one place that bounds the size of what crosses the API and what is stored,
 * and how a count is written for people ({@code 512 B}, {@code 4.2 MiB}).
 */
public final class Sizes {
    /** The largest manifest {@code kuke apply} sends and kukeond reads. */
    public static final int MAX_MANIFEST_BYTES = 1 << 20;

    /**
     * The most the API reads of any request but an image upload: an Apply of the largest manifest
     * ({@link #MAX_MANIFEST_BYTES}) with room for its envelope. A larger request is
     * refused once this much has arrived; the rest is never read.
     */
    public static final int MAX_REQUEST_BYTES = MAX_MANIFEST_BYTES + (64 << 10);
    /** One object's spec and labels, as the API carries them (protobuf). */
    public static final int MAX_SPEC_BYTES = 256 << 10;
    /**
     * A failure's message as a status and the journal keep it. With at most 64 containers a cell,
     * this keeps any object (spec and status) far below {@link #MAX_RESPONSE_BYTES}.
     */
    public static final int MAX_MESSAGE_CHARS = 2048;
    /** One response: below the 4 MiB a gRPC client accepts by default, with room for the envelope. */
    public static final int MAX_RESPONSE_BYTES = 3 << 20;

    private Sizes() {}

    /** Throws naming {@code field} when {@code size} is over {@code limit}. */
    public static void requireAtMost(String field, long size, long limit) {
        if (size > limit) {
            throw new InvalidArgumentException(field, "is " + of(size) + " (" + size + " bytes); at most " + of(limit)
                    + " (" + limit + " bytes)");
        }
    }

    /** {@code text} cut to {@code max} characters, marked when cut. */
    public static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "… (cut at " + max + " characters)";
    }

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
