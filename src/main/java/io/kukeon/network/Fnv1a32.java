package io.kukeon.network;

import java.nio.charset.StandardCharsets;

/**
 * The 32-bit FNV-1a hash, as the reference uses it to name a space's bridge ({@code k-<hex>}) and
 * its egress chain ({@code KUKE-EGR-<hex>}): short, stable names that fit the kernel's limits.
 */
public final class Fnv1a32 {
    private static final int OFFSET_BASIS = 0x811c9dc5;
    private static final int PRIME = 0x01000193;

    private Fnv1a32() {}

    /** The hash of the UTF-8 bytes of {@code text}. */
    public static int hash(String text) {
        int hash = OFFSET_BASIS;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= PRIME;
        }
        return hash;
    }

    /** The hash as 8 lower-case hex digits. */
    public static String hex(String text) {
        return String.format("%08x", hash(text));
    }
}
