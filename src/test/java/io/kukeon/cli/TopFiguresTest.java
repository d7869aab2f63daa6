package io.kukeon.cli;

import io.kukeon.wire.v1.GroupStatus;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** CPU % from two readings, as docker stats counts it, and top's orders. */
class TopFiguresTest {
    private static final long SECOND = 1_000_000_000L;

    private static TopCommand.Reading reading(Long cpuMicros, Long memory, long nanos) {
        GroupStatus.Usage.Builder u = GroupStatus.Usage.newBuilder();
        if (cpuMicros != null) {
            u.setCpuMicros(cpuMicros);
        }
        if (memory != null) {
            u.setMemoryBytes(memory);
        }
        return new TopCommand.Reading(ObjectDoc.getDefaultInstance(), u.build(), 0, nanos);
    }

    private static TopCommand.Figures only(Map<String, TopCommand.Reading> before, Map<String, TopCommand.Reading> after) {
        List<TopCommand.Figures> rows = TopCommand.figures(before, after);
        assertEquals(1, rows.size());
        return rows.get(0);
    }

    @Test
    void cpuPercentIsCpuTimeOverWallTimeWithOneBusyCoreAtOneHundred() {
        assertEquals(150.0, only(Map.of("a", reading(1_000_000L, 1L, 0)), Map.of("a", reading(2_500_000L, 1L, SECOND))).cpuPercent(),
                1e-9, "one and a half cores");
        assertEquals(25.0, only(Map.of("a", reading(0L, 1L, SECOND)), Map.of("a", reading(500_000L, 1L, 3 * SECOND))).cpuPercent(), 1e-9);
    }

    @Test
    void aCounterThatWentBackIsARestartAndWhatItCountedSinceIsShown() {
        assertEquals(10.0, only(Map.of("a", reading(9_000_000L, 1L, 0)), Map.of("a", reading(100_000L, 1L, SECOND))).cpuPercent(), 1e-9);
    }

    @Test
    void withoutTwoReadingsThereIsNoCpuPercent() {
        assertNull(only(Map.of(), Map.of("a", reading(5L, 1L, SECOND))).cpuPercent(), "new since the first reading");
        assertNull(only(Map.of("a", reading(null, 1L, 0)), Map.of("a", reading(5L, 1L, SECOND))).cpuPercent());
        TopCommand.Figures stopped = only(Map.of(), Map.of("a", new TopCommand.Reading(ObjectDoc.getDefaultInstance(), null, 2, SECOND)));
        assertNull(stopped.memoryBytes());
        assertEquals(2, stopped.restarts());
    }

    @Test
    void cpuAndMemoryPutTheLargestFirstAndTheUnknownLast() {
        Map<String, TopCommand.Reading> before = Map.of("b", reading(0L, 1L, 0), "c", reading(0L, 1L, 0));
        Map<String, TopCommand.Reading> after = new java.util.LinkedHashMap<>();
        after.put("a", reading(null, null, SECOND));
        after.put("b", reading(100_000L, 300L, SECOND));
        after.put("c", reading(900_000L, 200L, SECOND));
        TopCommand top = new TopCommand();
        top.sort = TopCommand.Sort.cpu;
        assertEquals(List.of("c", "b", "a"), top.sorted(TopCommand.figures(before, after)).stream().map(TopCommand.Figures::path).toList());
        top.sort = TopCommand.Sort.memory;
        assertEquals(List.of("b", "c", "a"), top.sorted(TopCommand.figures(before, after)).stream().map(TopCommand.Figures::path).toList());
        top.sort = TopCommand.Sort.name;
        assertEquals(List.of("a", "b", "c"), top.sorted(TopCommand.figures(before, after)).stream().map(TopCommand.Figures::path).toList());
    }
}
