package io.kukeon.bench;

import io.kukeon.api.Docs;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ListResponse;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Heap per container (issue 19, goal 4): kukeond in this JVM with the fake runtime (the tree and the
 * journal alone), N one-workload cells created and started with the default settings, the heap
 * measured after full collections: right after the starts, and after a restart that adopts them.
 *
 * <p>usage: {@code MemoryBenchmark N [HISTOGRAM_LINES]}
 */
public final class MemoryBenchmark {
    private static final int CALLERS = 16;
    /** A space's network is a /24: 200 cells each leave room. */
    static final int CELLS_PER_SPACE = 200;

    static String stackOf(int cell) {
        return "bench/s" + (cell / CELLS_PER_SPACE) + "/t";
    }

    public static void main(String[] args) throws Exception {
        int cells = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int histogram = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        Path dir = Files.createTempDirectory("kukeon-bench-memory");
        try (TestDaemon daemon = new TestDaemon(dir, Map.of())) {
            for (int s = 0; s * CELLS_PER_SPACE < cells; s++) {
                Docs.createStack(daemon.client(), stackOf(s * CELLS_PER_SPACE));
            }
            long empty = heapAfterGc();
            heapDump("empty");
            long t0 = System.nanoTime();
            startCells(() -> client(daemon), cells);
            long startedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            long created = heapAfterGc();
            int containers = 2 * cells;   // each cell: its root and one workload
            System.out.printf("%d cells (%d containers) created and started in %d ms (%d callers)%n", cells, containers,
                    startedMs, CALLERS);
            System.out.printf("heap after GC: empty tree %.1f MiB, after the starts %.1f MiB: %.1f KiB per container%n",
                    mib(empty), mib(created), kib(created - empty) / containers);
            if (histogram > 0) {
                printHistogram(histogram);
            }
            heapDump("created");
            daemon.stop();
            long stopped = heapAfterGc();
            long t1 = System.nanoTime();
            daemon.start();
            untilAllReady(daemon, cells);
            long adoptedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
            long adopted = heapAfterGc();
            heapDump("adopted");
            System.out.printf("restart: all %d cells Ready again in %d ms%n", cells, adoptedMs);
            System.out.printf("heap after GC: daemon stopped %.1f MiB, after a restart that adopted them %.1f MiB: "
                    + "%.1f KiB per container%n", mib(stopped), mib(adopted), kib(adopted - stopped) / containers);
            System.out.printf("resident set of this JVM: %s%n", residentSet());
        }
        io.kukeon.testing.TempDirs.deleteRecursively(dir);
    }

    /** Each call on a stub of its own: TestDaemon's stubs carry a deadline from when they are made. */
    static void startCells(java.util.function.Supplier<KukeonGrpc.KukeonBlockingStub> client, int cells) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            List<CompletableFuture<Void>> calls = new ArrayList<>();
            for (int i = 0; i < cells; i++) {
                String path = stackOf(i) + "/c" + i;
                calls.add(CompletableFuture.runAsync(() -> {
                    KukeonGrpc.KukeonBlockingStub api = client.get();
                    api.create(CreateRequest.newBuilder().setObject(Docs.cell(path, Map.of(), Docs.container("app", "sleep"))).build());
                    String state = api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath(path).build()).getObject()
                            .getStatus().getState();
                    if (!state.equals("Ready")) {
                        throw new IllegalStateException(path + " is " + state + " after its start");
                    }
                }, callers));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get();
        } finally {
            callers.shutdown();
        }
    }

    private static KukeonGrpc.KukeonBlockingStub client(TestDaemon daemon) {
        try {
            return daemon.client();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void untilAllReady(TestDaemon daemon, int cells) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not all cells Ready 5 min after the restart: " + states(client(daemon)));
            }
            try {
                if (ready(client(daemon)) >= cells) {
                    return;
                }
            } catch (io.grpc.StatusRuntimeException notListeningYet) {
                // the restarted daemon opens its API shortly
            }
            Thread.sleep(200);
        }
    }

    private static Map<String, Long> states(KukeonGrpc.KukeonBlockingStub api) {
        return api.list(ListRequest.newBuilder().setKind("Cell").setPageSize(5000).build()).getObjectsList().stream()
                .collect(java.util.stream.Collectors.groupingBy(c -> c.getStatus().getState(), java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()));
    }

    private static long ready(KukeonGrpc.KukeonBlockingStub api) {
        long ready = 0;
        String token = "";
        do {
            ListResponse page = api.list(ListRequest.newBuilder().setKind("Cell").setPageSize(500).setPageToken(token).build());
            ready += page.getObjectsList().stream().filter(c -> c.getStatus().getState().equals("Ready")).count();
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return ready;
    }

    /** Used heap once collections no longer free anything. */
    static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used - 64 * 1024) {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }

    private static void printHistogram(int lines) throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", String.valueOf(ProcessHandle.current().pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        List<String> out = new String(jcmd.getInputStream().readAllBytes()).lines().toList();
        out.stream().limit(lines + 3).forEach(System.out::println);
    }

    /** With -Dkukeon.bench.heapDump=PREFIX, a heap dump of live objects to PREFIX-WHEN.hprof for an analysis. */
    private static void heapDump(String when) throws Exception {
        String prefix = System.getProperty("kukeon.bench.heapDump");
        if (prefix == null) {
            return;
        }
        Process jcmd = new ProcessBuilder("jcmd", String.valueOf(ProcessHandle.current().pid()), "GC.heap_dump",
                prefix + "-" + when + ".hprof").redirectErrorStream(true).start();
        System.out.print(new String(jcmd.getInputStream().readAllBytes()));
        jcmd.waitFor();
    }

    private static String residentSet() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("?").replaceAll("\\s+", " ");
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    private static double kib(long bytes) {
        return bytes / 1024.0;
    }
}
