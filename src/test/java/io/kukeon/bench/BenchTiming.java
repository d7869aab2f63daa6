package io.kukeon.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the benchmarks share to time work and report it. */
final class BenchTiming {
    private BenchTiming() {}

    /** Work that returns something the timing keeps alive. */
    interface Work {
        long run() throws Exception;
    }

    /** How long {@code work} took, in nanoseconds. */
    static long time(Work work) throws Exception {
        long t0 = System.nanoTime();
        if (work.run() < 0) {
            throw new IllegalStateException("unreachable: keeps the result alive");
        }
        return System.nanoTime() - t0;
    }

    /** The {@code p}th percentile (nearest rank); 0 of none. */
    static long pct(List<Long> values, int p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }

    /** The machine's load average over 1, 5 and 15 minutes, as /proc has it. */
    static String loadAverage() throws IOException {
        String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return l[0] + " " + l[1] + " " + l[2];
    }
}
