package io.kukeon.daemon;

import io.kukeon.api.v1.ObjectDoc;
import io.kukeon.testing.SleeperCell;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every generation of one cell that clients saw, in replies and in Gets, with when each call
 * started and ended. Per incarnation (a cell's {@code created_at}): a call that started after
 * another one ended never sees an older generation, and one generation always names one spec, so
 * the generation grows strictly with every change.
 */
final class GenerationLog {
    private record Seen(long start, long end, long generation, String spec, String source) {}

    private final Map<String, List<Seen>> byIncarnation = new TreeMap<>();
    private int count;

    /** @param start {@link System#nanoTime()} before the call, {@code end} after it */
    synchronized void add(String source, long start, long end, ObjectDoc cell) {
        byIncarnation.computeIfAbsent(cell.getStatus().getCreatedAt(), k -> new ArrayList<>())
                .add(new Seen(start, end, cell.getMetadata().getGeneration(), SleeperCell.signature(cell), source));
        count++;
    }

    synchronized int size() {
        return count;
    }

    synchronized int incarnations() {
        return byIncarnation.size();
    }

    synchronized List<String> violations() {
        List<String> out = new ArrayList<>();
        byIncarnation.forEach((createdAt, seen) -> {
            List<Seen> byEnd = new ArrayList<>(seen);
            byEnd.sort((a, b) -> Long.compare(a.end(), b.end()));
            for (Seen later : seen) {
                for (Seen earlier : byEnd) {
                    if (earlier.end() >= later.start()) {
                        break;
                    }
                    if (earlier.generation() > later.generation()) {
                        out.add("incarnation created " + createdAt + ": " + later.source() + " saw generation "
                                + later.generation() + " after " + earlier.source() + " had seen " + earlier.generation());
                    }
                }
            }
            Map<Long, String> specOf = new HashMap<>();
            for (Seen s : seen) {
                String before = specOf.putIfAbsent(s.generation(), s.spec());
                if (before != null && !before.equals(s.spec())) {
                    out.add("incarnation created " + createdAt + ": generation " + s.generation() + " is both {" + before
                            + "} and {" + s.spec() + "} (" + s.source() + ")");
                }
            }
        });
        return Collections.unmodifiableList(out.size() > 20 ? out.subList(0, 20) : out);
    }
}
