package io.kukeon.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU time this JVM spends: all of it, and its JIT compilers' (Linux: /proc, in clock ticks of 10 ms). */
final class JvmCpu {
    private static final long MILLIS_PER_TICK = 10;   // USER_HZ is 100 on Linux

    private JvmCpu() {}

    static long processNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** user + system time of the C1 and C2 compiler threads so far; -1 where /proc does not tell. */
    static long compilerMillis() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.mapToLong(JvmCpu::compilerTicks).sum() * MILLIS_PER_TICK;
        } catch (IOException e) {
            return -1;
        }
    }

    private static long compilerTicks(Path task) {
        try {
            if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                return 0;
            }
            // stat: "pid (comm) state ..."; utime and stime are the 14th and 15th fields.
            String stat = Files.readString(task.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException gone) {
            return 0;   // a thread that ended meanwhile
        }
    }

    /** The JIT and GC options this JVM was started with, for the record. */
    static String options() {
        return String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:") || a.startsWith("-Xm")).toList());
    }
}
