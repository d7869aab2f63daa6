package io.kukeon.daemon;

import io.kukeon.testing.SleeperCell;
import io.kukeon.wire.v1.ObjectDoc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every generation of the objects (a cell, its containers) that clients saw, in replies and in
 * Gets, with when each call started and ended. Per object and incarnation (its path and
 * {@code created_at}): a call that started after another one ended never sees an older
 * generation, and one generation always names one spec, so the generation grows strictly with
 * every change. A container's status has no {@code created_at}: its path's whole history is one
 * incarnation, and its generation must go on growing across its cell's deletes and re-creates.
 */
final class GenerationLog {
    private record Seen(long start, long end, long generation, String spec, String source) {}

    private final Map<String, List<Seen>> byIncarnation = new TreeMap<>();
    private int count;

    /** @param start {@link System#nanoTime()} before the call, {@code end} after it */
    synchronized void add(String source, long start, long end, ObjectDoc object) {
        byIncarnation.computeIfAbsent(object.getPath() + " created " + object.getStatus().getCreatedAt(),
                        k -> new ArrayList<>())
                .add(new Seen(start, end, object.getMetadata().getGeneration(), signature(object), source));
        count++;
    }

    /** What the spec says, enough to tell the variants apart. */
    private static String signature(ObjectDoc object) {
        if (object.hasContainer()) {
            return object.getContainer().getCommand() + " " + String.join(" ", object.getContainer().getArgsList());
        }
        return SleeperCell.signature(object);
    }

    /** How many objects' incarnations were seen under this path (a cell's: one per create). */
    synchronized long incarnations(String path) {
        return byIncarnation.keySet().stream().filter(k -> k.startsWith(path + " created ")).count();
    }

    synchronized int size() {
        return count;
    }

    synchronized List<String> violations() {
        List<String> out = new ArrayList<>();
        byIncarnation.forEach((incarnation, seen) -> {
            List<Seen> byEnd = new ArrayList<>(seen);
            byEnd.sort((a, b) -> Long.compare(a.end(), b.end()));
            for (Seen later : seen) {
                for (Seen earlier : byEnd) {
                    if (earlier.end() >= later.start()) {
                        break;
                    }
                    if (earlier.generation() > later.generation()) {
                        out.add(incarnation + ": " + later.source() + " saw generation "
                                + later.generation() + " after " + earlier.source() + " had seen " + earlier.generation());
                    }
                }
            }
            Map<Long, String> specOf = new HashMap<>();
            for (Seen s : seen) {
                String before = specOf.putIfAbsent(s.generation(), s.spec());
                if (before != null && !before.equals(s.spec())) {
                    out.add(incarnation + ": generation " + s.generation() + " is both {" + before
                            + "} and {" + s.spec() + "} (" + s.source() + ")");
                }
            }
        });
        return Collections.unmodifiableList(out.size() > 20 ? out.subList(0, 20) : out);
    }
}
