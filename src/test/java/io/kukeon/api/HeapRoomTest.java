package io.kukeon.api;

import io.kukeon.model.ResourceExhaustedException;
import org.junit.jupiter.api.Test;

import java.lang.management.MemoryUsage;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HeapRoomTest {
    private static final long MIB = 1 << 20;

    private static HeapRoom afterCollection(long usedMib, long maxMib) {
        return new HeapRoom(() -> new MemoryUsage(0, usedMib * MIB, maxMib * MIB, maxMib * MIB));
    }

    @Test
    void newWorkIsRefusedOnceAFullCollectionLeavesMoreThanNinetyPercent() {
        assertDoesNotThrow(() -> afterCollection(90, 100).requireRoom());
        ResourceExhaustedException full = assertThrows(ResourceExhaustedException.class, () -> afterCollection(91, 100).requireRoom());
        assertEquals("kukeond's heap is full: 91.0 MiB of 100.0 MiB of its old generation still used after a full collection"
                + " (at most 90 %); stop or delete cells, or give kukeond a larger -Xmx in KUKEOND_JAVA_OPTS", full.getMessage());
    }

    @Test
    void aHeapWithoutABoundOrWithoutAReadingNeverRefuses() {
        assertDoesNotThrow(() -> new HeapRoom(() -> null).requireRoom());
        assertDoesNotThrow(() -> new HeapRoom(() -> new MemoryUsage(0, 5 * MIB, 5 * MIB, -1)).requireRoom());
        assertDoesNotThrow(() -> HeapRoom.ofThisJvm().requireRoom());
    }
}
