package io.kukeon.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizesTest {
    @Test
    void bytesForPeopleInBinaryUnits() {
        assertEquals("0 B", Sizes.of(0));
        assertEquals("1023 B", Sizes.of(1023));
        assertEquals("1.0 KiB", Sizes.of(1024));
        assertEquals("1.5 MiB", Sizes.of(3L << 19));
        assertEquals("2.0 GiB", Sizes.of(2L << 30));
    }

    @Test
    void progressNamesTheTotalOnlyWhenKnown() {
        assertEquals("1.0 MiB of 3.0 MiB", Sizes.progress(1L << 20, 3L << 20));
        assertEquals("1.0 MiB", Sizes.progress(1L << 20, -1));
    }

    @Test
    void aSizeOverItsLimitIsRefusedNamingTheField() {
        Sizes.requireAtMost("spec", 10, 10);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Sizes.requireAtMost("spec", 2048, 1024));
        assertEquals("spec: is 2.0 KiB (2048 bytes); at most 1.0 KiB (1024 bytes)", e.getMessage());
    }

    @Test
    void aLongMessageIsCutAndSaysSo() {
        assertEquals("short", Sizes.cut("short", 10));
        assertEquals("abc… (cut at 3 characters)", Sizes.cut("abcdef", 3));
        assertEquals("a… (cut at 2 characters)", Sizes.cut("a\uD83D\uDE00", 2), "no half of a surrogate pair");
    }

    @Test
    void aFailureIsDescribedInABoundedLine() {
        String described = io.kukeon.supervisor.tree.Failures.describe(new IllegalStateException("x".repeat(100_000)));
        assertTrue(described.startsWith("IllegalStateException: xxx"), described.substring(0, 40));
        assertTrue(described.length() < Sizes.MAX_MESSAGE_CHARS + 40, "cut: " + described.length());
    }
}
