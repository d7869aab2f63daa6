package io.kukeon.runtime.containerd;

import io.kukeon.runtime.ContainerLogDir;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.LogTarget;
import io.kukeon.runtime.StopOptions;
import io.kukeon.runtime.containerd.api.containers.Container;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a task logger costs a container printing as fast as it can: kukeon-logger (default
 * settings, 10 MiB × 5) next to the {@code sh} + two {@code cat}s logger of the releases before it,
 * alternating in one run on the real containerd. For each: throughput (the container's bytes over
 * the time from the task's start to its last line in the log), the logger's CPU time (its
 * processes' utime + stime from /proc) and its peak resident memory (VmRSS, sampled every 20 ms).
 *
 * <p>Run by scripts/bench-logger.sh: {@code -Dkukeon.containerd.socket}, {@code -Dkukeon.busybox.archive};
 * args: rounds [MiB per run].
 */
public final class LoggerBenchmark {
    private static final long CLOCK_TICKS = 100;   // USER_HZ on Linux
    private static final String END = "bench-end";

    private record Sample(double seconds, double cpuSeconds, long peakRssKib) {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        long mib = args.length > 1 ? Long.parseLong(args[1]) : 256;
        try (ContainerdTestBed bed = ContainerdTestBed.open()) {
            bed.loadBusybox();
            for (String workload : List.of("100-byte lines", "2-byte lines (yes)")) {
                boolean short_ = workload.startsWith("2");
                String line = short_ ? "" : "$(printf %099d 0)";
                long size = short_ ? Math.max(1, mib / 8) : mib;   // a record per 2 bytes: far more work per byte
                List<Sample> ours = new ArrayList<>();
                List<Sample> shell = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    ours.add(run(bed, "ours" + round, line, size, true));
                    shell.add(run(bed, "sh" + round, line, size, false));
                }
                System.out.printf("%s, %d MiB per run, %d rounds (median, min-max):%n", workload, size, rounds);
                print("kukeon-logger", ours, size);
                print("sh + cat", shell, size);
            }
        }
    }

    private static void print(String name, List<Sample> samples, long mib) {
        List<Double> mbps = samples.stream().map(s -> mib * 1.048576 / s.seconds()).sorted().toList();
        List<Double> cpu = samples.stream().map(Sample::cpuSeconds).sorted().toList();
        List<Long> rss = samples.stream().map(Sample::peakRssKib).sorted().toList();
        System.out.printf("  %-14s %7.1f MB/s (%.1f-%.1f)  CPU %6.2f s (%.2f-%.2f) = %.1f ms/MB  RSS %5d KiB (%d-%d)%n", name,
                mbps.get(mbps.size() / 2), mbps.get(0), mbps.get(mbps.size() - 1),
                cpu.get(cpu.size() / 2), cpu.get(0), cpu.get(cpu.size() - 1), cpu.get(cpu.size() / 2) * 1000 / (mib * 1.048576),
                rss.get(rss.size() / 2), rss.get(0), rss.get(rss.size() - 1));
    }

    private static Sample run(ContainerdTestBed bed, String cell, String line, long mib, boolean ours) throws Exception {
        String script = "yes " + line + " | head -c " + (mib * 1024 * 1024) + "; echo; echo " + END + "; exec sleep 3600";
        ContainerRequest r = bed.request(cell, "app", List.of("/bin/sh", "-c", script));
        LogTarget target = new LogTarget(new ContainerLogDir(bed.dir.resolve(cell)), 10L * 1024 * 1024, 5);
        Files.createDirectories(target.dir().directory());
        Path file = ours ? target.dir().current() : bed.dir.resolve(cell + ".log");
        String uri = ours ? TaskLog.uri(ContainerdConfig.defaults().logger(), target) : shellLoggerUri(file);
        bed.runtime.ensureContainer(r);
        Container c = bed.containers.get(bed.namespace, r.containerdId());
        bed.tasks.create(bed.namespace, r.containerdId(), bed.snapshots.mounts(bed.namespace, c.getSnapshotter(), c.getSnapshotKey()),
                uri, null);
        List<Long> logger = loggerProcesses(file.toString());
        long start = System.nanoTime();
        bed.tasks.start(bed.namespace, r.containerdId());
        long peakRss = 0;
        long deadline = start + Duration.ofMinutes(5).toNanos();
        while (!endsWithMarker(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + END + " in " + file);
            }
            peakRss = Math.max(peakRss, rssKib(logger));
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = cpuSeconds(logger);
        peakRss = Math.max(peakRss, rssKib(logger));
        bed.runtime.stop(bed.namespace, r.containerdId(), new StopOptions(9, Duration.ofSeconds(5), true));
        bed.runtime.deleteContainer(bed.namespace, r.containerdId());
        try (Stream<Path> files = Files.walk(bed.dir)) {
            files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(bed.dir)).forEach(p -> p.toFile().delete());
        }
        return new Sample(seconds, cpu, peakRss);
    }

    /** The logger of the releases before kukeon-logger (TaskLog's former body), for this comparison only. */
    static String shellLoggerUri(Path logFile) {
        String log = "'" + logFile.toAbsolutePath().toString().replace("'", "'\\''") + "'";
        String script = "PATH=/usr/sbin:/usr/bin:/sbin:/bin\numask 077\ntrap '' TERM\n"
                + "cat <&3 >>" + log + " 4<&- 5>&- &\n"
                + "cat <&4 >>" + log + " 3<&- 5>&- &\n"
                + "exec 3<&- 4<&- 5>&-\nwait\n";
        return "binary:///bin/sh?-c=" + URLEncoder.encode(script, StandardCharsets.UTF_8);
    }

    private static boolean endsWithMarker(Path file) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            long size = ch.size();
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate((int) Math.min(size, 64));
            ch.read(tail, size - tail.capacity());
            return new String(tail.array(), StandardCharsets.US_ASCII).endsWith(END + "\n");
        }
    }

    /** The process whose command line names the log file, and its children (the shell logger's cats). */
    private static List<Long> loggerProcesses(String logFile) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(logFile)) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        if (pids.size() != 1) {
            throw new IllegalStateException("expected one logger process for " + logFile + ", found " + pids);
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                Long parent = statField(p.resolve("stat"), 4);
                if (parent != null && parent.equals(pids.get(0))) {
                    pids.add(Long.parseLong(p.getFileName().toString()));
                }
            }
        }
        return pids;
    }

    /** Field {@code number} (1-based, as proc(5) counts: 4 ppid, 14 utime, 15 stime) of /proc/PID/stat. */
    private static Long statField(Path stat, int number) {
        try {
            String s = Files.readString(stat);
            String[] fields = s.substring(s.lastIndexOf(')') + 2).split(" ");   // from field 3, the state
            return Long.parseLong(fields[number - 3]);
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    private static double cpuSeconds(List<Long> pids) {
        long ticks = 0;
        for (long pid : pids) {
            Path stat = Path.of("/proc/" + pid + "/stat");
            Long utime = statField(stat, 14);
            Long stime = statField(stat, 15);
            ticks += (utime == null ? 0 : utime) + (stime == null ? 0 : stime);
        }
        return ticks / (double) CLOCK_TICKS;
    }

    private static long rssKib(List<Long> pids) {
        long kib = 0;
        for (long pid : pids) {
            try {
                for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (l.startsWith("VmRSS:")) {
                        kib += Long.parseLong(l.replaceAll("\\D", ""));
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // exited
            }
        }
        return kib;
    }
}
