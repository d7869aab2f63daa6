package io.kukeon.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
