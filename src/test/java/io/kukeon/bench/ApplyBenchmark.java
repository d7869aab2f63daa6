package io.kukeon.bench;

import com.google.protobuf.ByteString;
import io.kukeon.model.CellSpec;
import io.kukeon.network.CniPlugins;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.runtime.StopOptions;
import io.kukeon.runtime.containerd.ContainerdRuntime;
import io.kukeon.testing.NetworkNamespaces;
import io.kukeon.testing.RealDaemon;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.DeleteRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A manifest of N one-workload cells applied through kukeond's API with its default settings,
 * against the raw baseline in the same run: the same 2N containers (each cell's pause root, the
 * space's CNI plugin chain on it, a workload joining its namespaces) created and started with
 * containerd's gRPC API directly, as many cells at once as kukeond's {@code apply-parallelism}.
 * A warm-up round of a tenth of N goes first and is not counted; then each round alternates which
 * path goes first, and each path's containers are removed before the other runs.
 *
 * <p>Run by scripts/bench-apply.sh: args N [rounds] [startup-grace, e.g. 0ms; default: kukeond's].
 */
public final class ApplyBenchmark {
    private static final String RAW_SUBNET = "10.251.0.0/24";
    /** The workload of both paths: a shell that ends at SIGTERM, so that deleting a cell is prompt. */
    private static final List<String> WORKLOAD = List.of("-c", "trap 'exit 0' TERM; sleep 3600 & wait $!");

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Map<String, String> settings = args.length > 2 ? Map.of("startup-grace", args[2]) : Map.of();
        Path dir = Files.createTempDirectory("kukeon-bench");
        List<Long> raw = new ArrayList<>();
        List<Long> kukeond = new ArrayList<>();
        try (RealDaemon host = new RealDaemon(dir, settings);
             NetworkNamespaces rawNamespaces = new NetworkNamespaces("bench")) {
            int parallelism = host.config().api().applyParallelism();
            Duration grace = host.config().startupGrace();
            host.createStack("bench", "s", "t");
            String rawNs = "kukeon-bench-raw-" + host.id;
            ContainerdRuntime runtime = host.containerd;
            runtime.ensureNamespace(rawNs, RealHost.RAW_REALM, false);
            runtime.loadImage(rawNs, io.kukeon.testing.RealComponents.busyboxArchive());
            NetworkNamespaces.Namespace rawBridges = rawNamespaces.create("raw").loopbackUp();
            RawCniChain chain = new RawCniChain(SpaceNetwork.configList("raw", "bench", Ipv4Subnet.parse(RAW_SUBNET, "subnet"),
                    dir.resolve("raw-ipam")), new CniPlugins(CniPlugins.DEFAULT_SEARCH_PATH, null), rawBridges.path);
            ExecutorService pool = Executors.newFixedThreadPool(parallelism);
            String loadBefore = loadAverage();
            try {
                for (int round = 0; round <= rounds; round++) {
                    int cells = round == 0 ? Math.max(1, n / 10) : n;
                    long r = 0;
                    long k = 0;
                    for (int turn = 0; turn < 2; turn++) {
                        if ((turn + round) % 2 == 0) {
                            r = rawRound(runtime, rawNs, host, chain, pool, "r" + round, cells, dir);
                        } else {
                            k = applyRound(host, "t" + round, cells);
                        }
                    }
                    if (round > 0) {
                        raw.add(r);
                        kukeond.add(k);
                    }
                    System.out.printf("round %d (%d cells): raw %.2f s, kukeond apply %.2f s%n", round, cells, r / 1e9, k / 1e9);
                }
            } finally {
                pool.shutdownNow();
            }
            runtime.deleteNamespace(rawNs, RealHost.RAW_REALM);
            double rawMedian = median(raw) / 1e9;
            double kukeondMedian = median(kukeond) / 1e9;
            System.out.printf("apply of %d one-workload cells (2 containers each), apply-parallelism %d, startup-grace %d ms,"
                    + " %d timed round(s)%n", n, parallelism, grace.toMillis(), rounds);
            System.out.printf("JVM (kukeond's and the raw client's): %s%n", JvmCpu.options());
            System.out.printf("load average before: %s; after: %s%n", loadBefore, loadAverage());
            System.out.printf("%-52s %8.2f s (%.1f ms a cell)%n", "raw containerd gRPC + CNI chain, " + parallelism + " at once",
                    rawMedian, rawMedian * 1e3 / n);
            System.out.printf("%-52s %8.2f s (%.1f ms a cell)%n", "kukeond Apply RPC, all Ready", kukeondMedian,
                    kukeondMedian * 1e3 / n);
            System.out.printf("ratio kukeond / raw: %.2f (medians)%n", kukeondMedian / rawMedian);
            System.out.printf("startup-grace if it were waited one cell after the other, per slot: %.2f s%n",
                    grace.toMillis() * (double) n / parallelism / 1e3);
        }
        io.kukeon.testing.TempDirs.deleteRecursively(dir);
    }

    /** One manifest: the stack and its cells. Every cell must answer created and Ready; then the stack is deleted. */
    private static long applyRound(RealDaemon host, String stack, int cells) throws Exception {
        StringBuilder manifest = new StringBuilder("apiVersion: v1beta1\nkind: Stack\nmetadata: {name: " + stack + "}\n"
                + "spec: {realmId: bench, spaceId: s}\n");
        StringBuilder args = new StringBuilder();
        WORKLOAD.forEach(a -> args.append(args.length() == 0 ? "" : ", ").append('"').append(a).append('"'));
        for (int i = 0; i < cells; i++) {
            manifest.append("---\napiVersion: v1beta1\nkind: Cell\nmetadata: {name: c").append(i).append("}\n")
                    .append("spec:\n  realmId: bench\n  spaceId: s\n  stackId: ").append(stack).append("\n  containers:\n")
                    .append("    - {id: app, image: docker.io/library/busybox:latest, command: /bin/sh, args: [")
                    .append(args).append("]}\n");
        }
        ApplyRequest request = ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(manifest.toString())).build();
        long t0 = System.nanoTime();
        ApplyResponse response = host.client().withDeadlineAfter(10, TimeUnit.MINUTES).apply(request);
        long took = System.nanoTime() - t0;
        for (ApplyResult r : response.getResultsList()) {
            boolean ready = r.getKind().equals("Stack") || r.getObject().getStatus().getState().equals("Ready");
            if (!r.getOutcome().equals("created") || !ready) {
                throw new IllegalStateException(r.getKind() + " " + r.getName() + ": " + r.getOutcome() + " " + r.getError());
            }
        }
        host.client().withDeadlineAfter(10, TimeUnit.MINUTES).delete(DeleteRequest.newBuilder().setKind("Stack")
                .setPath("bench/s/" + stack).setCascade(true).build());
        return took;
    }

    /** The same cells raw, {@code pool}'s size at once; then their tasks killed, their network and containers removed. */
    private static long rawRound(ContainerdRuntime runtime, String ns, RealDaemon host, RawCniChain chain, ExecutorService pool,
                                 String prefix, int cells, Path dir) throws Exception {
        Map<String, Path> roots = new HashMap<>();
        List<Future<Path>> started = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < cells; i++) {
            String cell = prefix + "c" + i;
            started.add(pool.submit(() -> {
                int rootPid = StartBenchmark.runRaw(runtime, ns, host.cgroupRoot, cell, "root", "/bin/sh",
                        CellSpec.PAUSE_ARGS, Map.of(), dir);
                Path netns = Path.of("/proc/" + rootPid + "/ns/net");
                chain.add(StartBenchmark.rawId(cell, "root"), netns);
                StartBenchmark.runRaw(runtime, ns, host.cgroupRoot, cell, "app", "/bin/sh", WORKLOAD,
                        Map.of("network", netns.toString(), "ipc", "/proc/" + rootPid + "/ns/ipc",
                                "uts", "/proc/" + rootPid + "/ns/uts"), dir);
                return netns;
            }));
        }
        for (int i = 0; i < cells; i++) {
            roots.put(StartBenchmark.rawId(prefix + "c" + i, "root"), started.get(i).get());
        }
        long took = System.nanoTime() - t0;
        List<Future<?>> removed = new ArrayList<>();
        for (Map.Entry<String, Path> root : roots.entrySet()) {
            String cell = root.getKey().substring(0, root.getKey().length() - "_root".length());
            removed.add(pool.submit(() -> {
                chain.delete(root.getKey(), root.getValue());
                for (String id : List.of(cell + "_app", root.getKey())) {
                    runtime.stop(ns, id, new StopOptions(StopOptions.SIGKILL, Duration.ofSeconds(10), true));
                    runtime.deleteContainer(ns, id);
                }
                return null;
            }));
        }
        for (Future<?> f : removed) {
            f.get();
        }
        return took;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static double median(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        java.util.Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
