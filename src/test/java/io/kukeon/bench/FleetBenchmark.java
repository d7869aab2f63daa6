package io.kukeon.bench;

import io.kukeon.api.Docs;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListNodesRequest;
import io.kukeon.wire.v1.ListRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.kukeon.bench.BenchTiming.loadAverage;
import static io.kukeon.bench.BenchTiming.pct;
import static io.kukeon.bench.BenchTiming.time;

/**
 * Issue 18, what routing costs: three kukeonds in one cluster (fake runtime, in this JVM, each its
 * own tree and journal) with N cells each, beside a kukeond alone holding all 3N, same run, default
 * settings. Timed: {@code kuke get cells} (every cell, the CLI's page of 1,000) through one member
 * against the same list from the kukeond alone; a Get and a start (then a stop) of a cell held by
 * the member called against one held by another member.
 * <p>Usage: {@code scripts/bench-fleet.sh [N=100] [SAMPLES=20]}.
 */
public final class FleetBenchmark {
    private static final String STACK = "bench/s/t";
    private static final int CLI_PAGE = 1000;

    public static void main(String[] args) throws Exception {
        int cells = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path dir = Files.createTempDirectory("kukeon-bench-fleet");
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "the benchmark fleet's secret");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        int seed = freePort();
        List<TestDaemon> daemons = new ArrayList<>();
        try {
            TestDaemon a = member(daemons, dir, "a", seed, seed, secret);
            TestDaemon b = member(daemons, dir, "b", freePort(), seed, secret);
            TestDaemon c = member(daemons, dir, "c", freePort(), seed, secret);
            TestDaemon alone = new TestDaemon(dir.resolve("alone"), Map.of());
            daemons.add(alone);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (a.client().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList().stream()
                    .filter(n -> n.getStatus().equals("Up")).count() < 3) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the three members did not come Up");
                }
                Thread.sleep(200);
            }
            for (TestDaemon d : List.of(a, b, c)) {
                String node = d == a ? "a" : d == b ? "b" : "c";
                seed(d.client(), node, node, cells);
            }
            seed(alone.client(), "a", null, cells);
            seed(alone.client(), "b", null, cells);
            seed(alone.client(), "c", null, cells);
            Docs.createStack(a.client(), "probe/s/t");
            Docs.createStack(b.client(), "probe/s/t");
            create(a.client(), "probe/s/t/here", "a");
            create(b.client(), "probe/s/t/there", "b");
            while (a.client().list(ListRequest.newBuilder().setKind("Cell").setPageSize(CLI_PAGE).build()).getObjectsCount()
                    < 3 * cells + 2) {
                Thread.sleep(200);   // the receptionist has not yet told a of every gateway
            }
            System.out.printf("3 members x %d cells (fake runtime, default settings), a kukeond alone with %d; %d samples"
                    + " each; load average %s%n", cells, 3 * cells, samples, loadAverage());
            KukeonGrpc.KukeonBlockingStub viaA = a.client();
            KukeonGrpc.KukeonBlockingStub lone = alone.client();
            ListRequest all = ListRequest.newBuilder().setKind("Cell").setPageSize(CLI_PAGE).build();
            List<Long> fleetList = new ArrayList<>();
            List<Long> aloneList = new ArrayList<>();
            List<Long> getHere = new ArrayList<>();
            List<Long> getThere = new ArrayList<>();
            List<Long> startHere = new ArrayList<>();
            List<Long> startThere = new ArrayList<>();
            List<Long> createHere = new ArrayList<>();
            List<Long> createThere = new ArrayList<>();
            List<Long> createAlone = new ArrayList<>();
            for (int i = 0; i < samples + 3; i++) {   // the first 3: warm-up, not kept
                boolean keep = i >= 3;
                record(keep, fleetList, time(() -> viaA.list(all).getObjectsCount()));
                record(keep, aloneList, time(() -> lone.list(all).getObjectsCount()));
                record(keep, getHere, time(() -> viaA.get(get("probe/s/t/here")).getSerializedSize()));
                record(keep, getThere, time(() -> viaA.get(get("probe/s/t/there")).getSerializedSize()));
                record(keep, startHere, time(() -> viaA.start(cell("probe/s/t/here")).getSerializedSize()));
                record(keep, startThere, time(() -> viaA.start(cell("probe/s/t/there")).getSerializedSize()));
                viaA.stop(cell("probe/s/t/here"));
                viaA.stop(cell("probe/s/t/there"));
                int n = i;   // a new cell each time: placed (here by its spec.node), checked on every member, made
                record(keep, createHere, time(() -> create(viaA, "probe/s/t/new-a-" + n, "a")));
                record(keep, createThere, time(() -> create(viaA, "probe/s/t/new-b-" + n, "b")));
                record(keep, createAlone, time(() -> create(lone, STACK + "/new-" + n, null)));
            }
            System.out.printf("%-40s %10s %10s%n", "", "p50 ms", "p90 ms");
            row("kuke get cells through a (" + (3 * cells + 2) + ", 3 members)", fleetList);
            row("kuke get cells, kukeond alone (" + 3 * cells + ")", aloneList);
            row("Get through a, cell on a", getHere);
            row("Get through a, cell on b", getThere);
            row("start through a, cell on a", startHere);
            row("start through a, cell on b", startThere);
            row("create through a, placed on a", createHere);
            row("create through a, placed on b", createThere);
            row("create, kukeond alone", createAlone);
        } finally {
            daemons.forEach(TestDaemon::close);
            io.kukeon.testing.TempDirs.deleteRecursively(dir);
        }
        System.exit(0);
    }

    private static TestDaemon member(List<TestDaemon> daemons, Path dir, String name, int port, int seed, Path secret)
            throws Exception {
        TestDaemon d = new TestDaemon(dir.resolve(name), Map.of("cluster.node-name", name, "cluster.listen", "127.0.0.1:" + port,
                "cluster.seeds", "127.0.0.1:" + seed, "cluster.secret-file", secret.toString()));
        daemons.add(d);
        return d;
    }

    /** N cells under bench/s/t, named after the node, each started; on node {@code pin}, or placed when null. */
    private static void seed(KukeonGrpc.KukeonBlockingStub api, String name, String pin, int cells) {
        Docs.createStack(api, STACK);
        for (int i = 0; i < cells; i++) {
            String path = STACK + "/" + name + "-" + i;
            create(api, path, pin);
            api.start(cell(path));
        }
    }

    private static int create(KukeonGrpc.KukeonBlockingStub api, String path, String pin) {
        io.kukeon.wire.v1.ObjectDoc doc = Docs.cell(path, Map.of(), Docs.container("app", "sleep"));
        if (pin != null) {
            doc = doc.toBuilder().setCell(doc.getCell().toBuilder().setNode(pin)).build();
        }
        return api.create(CreateRequest.newBuilder().setObject(doc).build()).getSerializedSize();
    }

    private static GetRequest get(String path) {
        return GetRequest.newBuilder().setKind("Cell").setPath(path).build();
    }

    private static LifecycleRequest cell(String path) {
        return LifecycleRequest.newBuilder().setKind("Cell").setPath(path).build();
    }

    private static void record(boolean keep, List<Long> into, long nanos) {
        if (keep) {
            into.add(nanos);
        }
    }

    private static void row(String what, List<Long> nanos) {
        System.out.printf("%-40s %10.1f %10.1f%n", what, pct(nanos, 50) / 1e6, pct(nanos, 90) / 1e6);
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
