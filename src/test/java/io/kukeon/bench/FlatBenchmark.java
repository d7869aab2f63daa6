package io.kukeon.bench;

import io.kukeon.api.Docs;
import io.kukeon.model.ContainerSpec;
import io.kukeon.runtime.containerd.ContainerdRuntime;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.RealDaemon;
import io.kukeon.testing.RealHost;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ListResponse;
import io.kukeon.wire.v1.VersionRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.kukeon.bench.BenchTiming.loadAverage;
import static io.kukeon.bench.BenchTiming.pct;
import static io.kukeon.bench.BenchTiming.time;

/**
 * Issue 19 goal 3, flat per-object cost: with 0, 100, 1,000 cells already running, the time of a
 * cell start, a Get of one cell, and {@code kuke get cells} (every cell, page after page of the
 * CLI's size, 1,000) with its cost per row, and the first page of 100. Default settings.
 * <ul>
 *   <li>{@code fake [COUNTS=0,100,1000] [SAMPLES=20]}: the fake runtime (the tree, journal and API alone);</li>
 *   <li>{@code real [COUNTS=0,100] [SAMPLES=10]}: the real containerd, with its own list of the
 *   namespace's containers and tasks, and a get of one task, as the raw baseline;</li>
 *   <li>{@code adopt [N=100] [ROUNDS=3]}: N real cells running, kukeond killed with SIGKILL and started again
 *   (its own JVM, by bin/kukeond), ROUNDS times without its class-data archive and ROUNDS times with it,
 *   alternately: the time until its API answers, and from then until every cell is Ready again,
 *   beside containerd's own list of the same containers and tasks.</li>
 * </ul>
 * Run by scripts/bench-flat.sh.
 */
public final class FlatBenchmark {
    private static final String STACK = "bench/s/t";
    /** A space's network is one /24: the running cells fill spaces of this many, the probes have one of their own. */
    private static final int CELLS_A_SPACE = 200;
    private static final String PROBES = "bench/probes/t";
    /** As `kuke get` pages (DaemonConnection.LIST_PAGE_SIZE). */
    private static final int CLI_PAGE = 1000;
    /**
     * How often the adoption's List is polled: at 10 ms its 100 cells turned into protobuf were a sixth
     * of kukeond's work during the adoption (a flight recording); at 50 ms the Ready is seen at most
     * 50 ms late, which counts against kukeond.
     */
    private static final long POLL_MILLIS = 50;

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "fake";
        Path dir = Files.createTempDirectory("kukeon-bench-flat");
        switch (mode) {
            case "fake" -> fake(dir, counts(args, "0,100,1000"), samples(args, 20));
            case "real" -> real(dir, counts(args, "0,100"), samples(args, 10));
            case "adopt" -> adopt(dir, args.length > 1 ? Integer.parseInt(args[1]) : 100, samples(args, 3));
            default -> throw new IllegalArgumentException("mode: fake [COUNTS] [SAMPLES] | real [COUNTS] [SAMPLES] | adopt [N] [ROUNDS]");
        }
        io.kukeon.testing.TempDirs.deleteRecursively(dir);
        System.exit(0);   // seen: a closed daemon's non-daemon thread kept the JVM, and bench-flat.sh, waiting
    }

    private static int[] counts(String[] args, String fallback) {
        return Arrays.stream((args.length > 1 ? args[1] : fallback).split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static int samples(String[] args, int fallback) {
        return args.length > 2 ? Integer.parseInt(args[2]) : fallback;
    }

    private static void fake(Path dir, int[] counts, int samples) throws Exception {
        try (TestDaemon daemon = new TestDaemon(dir, Map.of())) {
            Api api = daemon::client;
            Docs.createStack(api.call(), STACK);
            Docs.createStack(api.call(), PROBES);
            System.out.printf("fake runtime, default settings, %d samples each; one container a cell; load average %s%n",
                    samples, loadAverage());
            measure(api, counts, samples, Docs.container("app", "sleep"), null);
        }
    }

    private static void real(Path dir, int[] counts, int samples) throws Exception {
        try (RealDaemon host = new RealDaemon(dir, Map.of())) {
            Api api = host::client;
            Docs.createStack(api.call(), STACK);
            Docs.createStack(api.call(), PROBES);
            host.loadBusybox("bench");
            System.out.printf("real containerd, default settings, %d samples each; a cell = pause root + 1 workload; load average %s%n",
                    samples, loadAverage());
            measure(api, counts, samples, busybox(), new Raw(host.containerd, host.namespace("bench")));
            api.call().delete(DeleteRequest.newBuilder().setKind("Realm").setPath("bench").setCascade(true).build());
        }
    }

    /** A stub made for each call: a stub's deadline runs from when it was made. */
    private interface Api {
        KukeonGrpc.KukeonBlockingStub call() throws IOException;
    }

    /** containerd's own calls over the same namespace: the baseline of a list and a get. */
    private record Raw(ContainerdRuntime containerd, String namespace) {
        long listNanos() throws Exception {
            return time(() -> containerd.listContainers(namespace).size());
        }

        long getNanos() throws Exception {
            return time(() -> containerd.task(namespace, "s_t_c0_app").status().ordinal());
        }
    }

    private static ContainerSpec busybox() {
        return ContainerSpec.of("app", "docker.io/library/busybox:latest", "sleep", List.of("3600"));
    }

    private static void measure(Api api, int[] counts, int samples, ContainerSpec app, Raw raw)
            throws Exception {
        warmUp(api, samples, app);
        System.out.printf("%-6s %18s %18s %14s %14s %14s %16s%s%n", "cells", "start p50/p90 ms", "get p50/p90 ms",
                "list all ms", "per row us", "page 100 ms", "running rows", raw == null ? "" : "   raw list ms  raw get ms");
        int running = 0;
        for (int target : counts) {
            running = startCells(api, running, target, app);
            Samples taken = new Samples();
            String probeOf = target == 0 ? null : cellPath(target / 2);
            for (int i = 0; i < samples; i++) {
                taken.take(api, "probe" + target + "-" + i, probeOf, app, target > 0 ? raw : null);
            }
            int rows = Math.max(1, target);
            System.out.printf("%-6d %8.1f /%7.1f  %8.2f /%7.2f  %14.2f %14.1f %14.2f %16d%s%n", target, ms(pct(taken.starts, 50)),
                    ms(pct(taken.starts, 90)), ms(pct(taken.gets, 50)), ms(pct(taken.gets, 90)), ms(pct(taken.lists, 50)),
                    pct(taken.lists, 50) / 1e3 / rows, ms(pct(taken.pages, 50)), target,
                    raw == null || target == 0 ? "" : String.format("   %11.2f %11.2f", ms(pct(taken.rawLists, 50)),
                            ms(pct(taken.rawGets, 50))));
        }
    }

    /**
     * The same calls as a row's, SAMPLES times, not counted: without it the first row measured the
     * JIT compilers' warm-up as the cost of its count (each later row ran on more compiled code).
     */
    private static void warmUp(Api api, int samples, ContainerSpec app) throws Exception {
        String warm = PROBES + "/warm";
        api.call().create(CreateRequest.newBuilder().setObject(Docs.cell(warm, Map.of(), app)).build());
        api.call().start(LifecycleRequest.newBuilder().setKind("Cell").setPath(warm).build());
        Samples discarded = new Samples();
        for (int i = 0; i < samples; i++) {
            discarded.take(api, "warm-up-" + i, warm, app, null);
        }
        api.call().stop(LifecycleRequest.newBuilder().setKind("Cell").setPath(warm).build());
        api.call().delete(DeleteRequest.newBuilder().setKind("Cell").setPath(warm).setCascade(true).build());
    }

    /** One row's timings, in nanoseconds. */
    private static final class Samples {
        final List<Long> starts = new ArrayList<>();
        final List<Long> gets = new ArrayList<>();
        final List<Long> lists = new ArrayList<>();
        final List<Long> pages = new ArrayList<>();
        final List<Long> rawLists = new ArrayList<>();
        final List<Long> rawGets = new ArrayList<>();

        /** A probe's start, a Get of {@code probeOf} (none when null), the whole list, a page of 100, and the raw baseline's. */
        void take(Api api, String probe, String probeOf, ContainerSpec app, Raw raw) throws Exception {
            starts.add(probeStart(api, probe, app));
            if (probeOf != null) {
                gets.add(time(() -> api.call().get(GetRequest.newBuilder().setKind("Cell").setPath(probeOf).build())
                        .getObject().getStatus().getState().length()));
            }
            lists.add(time(() -> listAll(api)));
            pages.add(time(() -> api.call().list(ListRequest.newBuilder().setKind("Cell").setPageSize(100).build())
                    .getObjectsCount()));
            if (raw != null) {
                rawLists.add(raw.listNanos());
                rawGets.add(raw.getNanos());
            }
        }
    }

    /** A cell created, its Start timed, then stopped and deleted so the count stays. */
    private static long probeStart(Api api, String name, ContainerSpec app) throws Exception {
        String path = PROBES + "/" + name;
        api.call().create(CreateRequest.newBuilder().setObject(Docs.cell(path, Map.of(), app)).build());
        long t0 = System.nanoTime();
        var status = api.call().start(LifecycleRequest.newBuilder().setKind("Cell").setPath(path).build())
                .getObject().getStatus();
        long nanos = System.nanoTime() - t0;
        if (!status.getState().equals("Ready")) {
            throw new IllegalStateException("cell " + path + " is " + status);
        }
        api.call().stop(LifecycleRequest.newBuilder().setKind("Cell").setPath(path).build());
        api.call().delete(DeleteRequest.newBuilder().setKind("Cell").setPath(path).setCascade(true).build());
        return nanos;
    }

    /** `kuke get cells`: every page of the CLI's size. */
    private static int listAll(Api api) throws Exception {
        ListRequest page = ListRequest.newBuilder().setKind("Cell").setPageSize(CLI_PAGE).build();
        int rows = 0;
        while (true) {
            ListResponse response = api.call().list(page);
            rows += response.getObjectsCount();
            if (response.getNextPageToken().isEmpty()) {
                return rows;
            }
            page = page.toBuilder().setPageToken(response.getNextPageToken()).build();
        }
    }

    /** Cell i: bench/s/t/ci for the first 200, then bench/s1/t, bench/s2/t, ... */
    private static String cellPath(int i) {
        int space = i / CELLS_A_SPACE;
        return "bench/s" + (space == 0 ? "" : String.valueOf(space)) + "/t/c" + i;
    }

    /** Cells c{from}..c{to-1}, created and started one after the other. */
    private static int startCells(Api api, int from, int to, ContainerSpec app) throws Exception {
        for (int i = from; i < to; i++) {
            if (i % CELLS_A_SPACE == 0 && i > 0) {
                Docs.createStack(api.call(), cellPath(i).substring(0, cellPath(i).lastIndexOf('/')));
            }
            api.call().create(CreateRequest.newBuilder().setObject(Docs.cell(cellPath(i), Map.of(), app)).build());
            api.call().start(LifecycleRequest.newBuilder().setKind("Cell").setPath(cellPath(i)).build());
        }
        return Math.max(from, to);
    }

    /** N real cells, kukeond killed with SIGKILL, started again: until its API answers, then until all are Ready. */
    private static void adopt(Path dir, int cells, int rounds) throws Exception {
        try (RealHost host = new RealHost(); DaemonProcess daemon = DaemonProcess.kukeond(dir.resolve("data"), host.daemonSettings()).throughScript()) {
            daemon.start();
            Docs.createStack(daemon.client(), STACK);
            BusyboxUpload.into(daemon.asyncClient(), "bench");
            startCells(daemon::client, 0, cells, busybox());
            List<Long> rawLists = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                rawLists.add(time(() -> host.containerd.listContainers(host.namespace("bench")).size()));
            }
            String variant = System.getenv().getOrDefault("KUKEON_BENCH_VARIANT", "");
            for (int start = 0; start < 2 * rounds; start++) {
                int round = start / 2 + 1;
                // alternately without and with kukeond's class-data archive (scripts/kukeond-cds.sh), at the same load;
                // with KUKEON_BENCH_VARIANT (JVM options), alternately with the archive as shipped and with the variant too
                boolean second = start % 2 == 1;
                boolean archive = variant.isEmpty() ? second : true;
                daemon.kill9();
                long t0 = System.nanoTime();
                daemon.useClassDataArchive(archive).withExtraJvmOptions(second ? variant : "").start();
                while (true) {
                    try {
                        daemon.client().withDeadlineAfter(5, TimeUnit.SECONDS).version(VersionRequest.getDefaultInstance());
                        break;
                    } catch (io.grpc.StatusRuntimeException notYet) {
                        Thread.sleep(5);
                    }
                }
                long answering = System.nanoTime();
                long cpuAnswering = cpuMillis(daemon.pid());
                long listed = 0;
                long half = 0;
                while (true) {
                    List<io.kukeon.wire.v1.ObjectDoc> rows = daemon.client().list(ListRequest.newBuilder().setKind("Cell").build())
                            .getObjectsList();
                    long ready = rows.stream().filter(c -> c.getStatus().getState().equals("Ready")).count();
                    if (listed == 0 && rows.size() == cells) {
                        listed = System.nanoTime();
                    }
                    if (half == 0 && ready >= cells / 2) {
                        half = System.nanoTime();
                    }
                    if (ready == cells) {
                        break;
                    }
                    Thread.sleep(POLL_MILLIS);
                }
                long adopted = System.nanoTime();
                System.out.printf("  every cell listed %.0f ms, half Ready %.0f ms, all Ready %.0f ms after the API answered%n",
                        ms(listed - answering), ms(half - answering), ms(adopted - answering));
                long cpuAdopted = cpuMillis(daemon.pid());
                dumpFlightRecording(daemon.pid(), round, archive);
                System.out.printf("round %d, %s: kill -9, start: API answering after %.0f ms (kukeond CPU %d ms); %d real cells"
                                + " (%d containers) Ready %.0f ms later (kukeond CPU %d ms meanwhile; %.0f ms from the start);"
                                + " raw containerd list of them with their tasks: %.1f ms (median of 5); load average %s%n",
                        round, !variant.isEmpty() ? (second ? "with the archive and " + variant : "with the archive")
                                : (archive ? "with the class-data archive" : "without the class-data archive"), ms(answering - t0), cpuAnswering, cells, cells * 2, ms(adopted - answering),
                        cpuAdopted - cpuAnswering, ms(adopted - t0), ms(pct(rawLists, 50)), loadAverage());
            }
            daemon.client().withDeadlineAfter(5, TimeUnit.MINUTES)
                    .delete(DeleteRequest.newBuilder().setKind("Realm").setPath("bench").setCascade(true).build());
        }
    }

    /**
     * For a profile of the adoption: with KUKEON_BENCH_JFR=DIR (and kukeond started with
     * KUKEOND_JAVA_OPTS=-XX:StartFlightRecording), kukeond's recording is dumped there once all are
     * Ready, before the next kill -9 loses it.
     */
    private static void dumpFlightRecording(long pid, int round, boolean archive) throws Exception {
        String dir = System.getenv("KUKEON_BENCH_JFR");
        if (dir == null || dir.isEmpty()) {
            return;
        }
        Path file = Path.of(dir, "adopt-round" + round + (archive ? "-archive" : "") + ".jfr");
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "JFR.dump", "filename=" + file)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
        }
    }

    /** CPU time (user + system) the process has used, from /proc (clock ticks of 10 ms). */
    private static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

}
