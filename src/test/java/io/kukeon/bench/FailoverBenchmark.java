package io.kukeon.bench;

import com.google.protobuf.ByteString;
import io.kukeon.api.Docs;
import io.kukeon.model.ContainerSpec;
import io.kukeon.network.CniPlugins;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.HostDeath;
import io.kukeon.testing.NetworkNamespaces;
import io.kukeon.testing.RealComponents;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResponse;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListNodesRequest;
import io.kukeon.wire.v1.ObjectDoc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.kukeon.bench.BenchTiming.loadAverage;
import static io.kukeon.bench.BenchTiming.pct;

/**
 * Issue 18, failover time on the real containerd: three kukeond processes as one cluster (each its
 * own {@link RealHost}: cgroup root, containerd namespaces, network namespace), with their default
 * settings unless stable-after and failover-after are given, and 3 cells per node that restart
 * {@code always} (placed by placement, so they may move). Each trial kills the host of the node
 * holding the most cells (its kukeond, then its tasks and their shims, -9) and times from the kill
 * to: (1) both others list it not Up, (2) both list it Down or no more, (3) each of its cells has a
 * running task in another host's containerd. The node is then started again; once it is Up
 * everywhere and has removed its copies of the moved cells, every cell must run exactly once in the
 * fleet (containerd, and the node the API names), else the benchmark fails with the daemons' logs.
 * <p>Before the trials, in the same cluster: a cell start (then a kill, untimed) through node a of
 * a cell held by a against one held by b, beside the raw containerd start of the same containers,
 * with and without the space's CNI chain ({@link StartBenchmark}'s raw paths), alternating.
 * <p>Usage: {@code scripts/bench-failover.sh [TRIALS=20] [SAMPLES=20] [STABLE_AFTER FAILOVER_AFTER]}.
 */
public final class FailoverBenchmark {
    private static final String REALM = "r";
    private static final String STACK = "r/s/t";
    private static final int CELLS_PER_NODE = 3;
    private static final List<String> NAMES = List.of("a", "b", "c");
    private static final int WARM_UP = 2;
    /** Far beyond the default stable-after (20 s) and failover-after (30 s): only a stuck failover reaches it. */
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(4);
    private static final long POLL_MILLIS = 200;
    private static final int LOG_LINES = 120;

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Map<String, String> timing = args.length > 3
                ? Map.of("cluster.stable-after", args[2], "cluster.failover-after", args[3]) : Map.of();
        Path dir = Files.createTempDirectory("kukeon-bench-failover");
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "the failover benchmark's fleet secret");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        // every member is a seed: a node started again, the first seed too, joins the others rather than itself
        String seeds = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        Map<String, RealHost> hosts = new LinkedHashMap<>();
        Map<String, DaemonProcess> nodes = new LinkedHashMap<>();
        boolean passed = false;
        try {
            for (int i = 0; i < NAMES.size(); i++) {
                RealHost host = new RealHost();
                hosts.put(NAMES.get(i), host);
                Map<String, String> settings = new HashMap<>(host.daemonSettings());
                settings.putAll(Map.of("cluster.node-name", NAMES.get(i), "cluster.listen", "127.0.0.1:" + ports.get(i),
                        "cluster.seeds", seeds, "cluster.secret-file", secret.toString()));
                settings.putAll(timing);
                nodes.put(NAMES.get(i), DaemonProcess.kukeond(dir.resolve(NAMES.get(i)), settings));
            }
            for (DaemonProcess node : nodes.values()) {
                node.start();
            }
            awaitAllUp(nodes);
            for (DaemonProcess node : nodes.values()) {
                Docs.createStack(node.client(), STACK);
                BusyboxUpload.into(node.asyncClient(), REALM);
            }
            System.out.printf("3 kukeond processes, one cluster, real containerd; %s; load average %s%n",
                    timing.isEmpty() ? "default settings" : "default settings but " + timing, loadAverage());
            if (samples > 0) {
                remoteStart(nodes, hosts.get("a"), samples, dir);
            }
            placeCells(nodes.get("a"));
            Map<String, String> runsOn = Eventually.value("every cell running once", Duration.ofSeconds(60),
                    () -> runningOnce(hosts, allCells()));
            System.out.printf("cells placed: %s%n", byNode(runsOn));
            List<Trial> done = new ArrayList<>();
            String last = null;
            for (int t = 0; t < trials; t++) {
                String victim = victim(byNode(runsOn), last);
                Trial trial = trial(t + 1, victim, hosts, nodes, runsOn);
                done.add(trial);
                System.out.println(trial);
                runsOn = trial.after();
                last = victim;
            }
            System.out.printf("%d trials; load average %s%n", done.size(), loadAverage());
            System.out.printf("%-42s %8s %8s %8s %8s%n", "from the kill of a node's host to", "p50 s", "p90 s", "min s", "max s");
            summary("both others list it not Up", done.stream().map(Trial::unreachable).toList());
            summary("both list it Down or no more", done.stream().map(Trial::downed).toList());
            summary("each of its cells runs on another node", done.stream().map(Trial::moved).toList());
            summary("(its start to Up everywhere, copies gone)", done.stream().map(Trial::rejoined).toList());
            passed = true;
        } finally {
            for (DaemonProcess node : nodes.values()) {
                node.close();
            }
            if (!passed) {
                printLogs(nodes.keySet(), dir);
            }
            for (RealHost host : hosts.values()) {
                host.close();
            }
            if (passed) {
                io.kukeon.testing.TempDirs.deleteRecursively(dir);
            }
        }
        System.exit(0);
    }

    /** One trial's times from the kill, in nanoseconds, and where each cell runs afterwards. */
    private record Trial(int number, String victim, int cells, long unreachable, long downed, long moved, long rejoined,
                         Map<String, String> after) {
        @Override
        public String toString() {
            return String.format("trial %2d: %s's host killed, %d cells: not Up %5.1f s, Down %5.1f s, cells elsewhere %5.1f s;"
                    + " back and copies gone %5.1f s after its start", number, victim, cells, unreachable / 1e9, downed / 1e9,
                    moved / 1e9, rejoined / 1e9);
        }
    }

    private static Trial trial(int number, String victim, Map<String, RealHost> hosts, Map<String, DaemonProcess> nodes,
                               Map<String, String> before) throws Exception {
        Set<String> moving = before.entrySet().stream().filter(e -> e.getValue().equals(victim)).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        Map<String, DaemonProcess> survivors = new LinkedHashMap<>(nodes);
        survivors.remove(victim);
        Map<String, RealHost> survivorHosts = new LinkedHashMap<>(hosts);
        survivorHosts.remove(victim);
        long t0 = System.nanoTime();
        nodes.get(victim).kill9();
        HostDeath.killTasksAndShims(hosts.get(victim), REALM);
        long unreachable = -1;
        long downed = -1;
        long moved = -1;
        long deadline = t0 + PHASE_TIMEOUT.toNanos();
        while (moved < 0 || downed < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(String.format("trial %d: %s's cells %s not all running elsewhere within %d s"
                        + " (not Up after %d ms, Down after %d ms); running: %s", number, victim, moving,
                        PHASE_TIMEOUT.toSeconds(), unreachable / 1_000_000, downed / 1_000_000, running(survivorHosts)));
            }
            long now = System.nanoTime();
            List<String> seen = survivors.values().stream().map(s -> statusOf(s, victim)).toList();
            if (unreachable < 0 && seen.stream().noneMatch(s -> s.equals("Up") || s.equals("?"))) {
                unreachable = now - t0;
            }
            if (downed < 0 && seen.stream().allMatch(s -> s.equals("Down") || s.equals("gone"))) {
                downed = now - t0;
            }
            if (moved < 0) {
                Map<String, Set<String>> running = running(survivorHosts);
                if (moving.stream().allMatch(cell -> running.values().stream().anyMatch(on -> on.contains(cell)))) {
                    moved = now - t0;
                    if (unreachable < 0) {
                        throw new IllegalStateException("trial " + number + ": " + victim + "'s cells run elsewhere while a"
                                + " member still lists it Up: " + running);
                    }
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
        Map<String, String> elsewhere = runningOnce(survivorHosts, moving);
        if (elsewhere == null) {
            throw new IllegalStateException("trial " + number + ": a cell of " + victim + " runs twice: " + running(survivorHosts));
        }
        // the node comes back: it joins anew, and removes its copies of the cells that moved
        long t1 = System.nanoTime();
        nodes.get(victim).start();
        awaitAllUp(nodes);
        for (String cell : moving) {
            HostDeath.awaitNoContainerOf(hosts.get(victim), REALM, cell);
        }
        long rejoined = System.nanoTime() - t1;
        Map<String, String> after = runningOnce(hosts, allCells());
        if (after == null) {
            throw new IllegalStateException("trial " + number + ": after " + victim + " came back, a cell does not run exactly"
                    + " once: " + running(hosts));
        }
        for (String cell : allCells()) {   // and the fleet says so through every member
            for (Map.Entry<String, DaemonProcess> through : nodes.entrySet()) {
                Eventually.value(cell + " held by " + after.get(cell) + ", through " + through.getKey(), Duration.ofSeconds(30),
                        () -> {
                            ObjectDoc doc = get(through.getValue().client(), STACK + "/" + cell);
                            return doc.getNode().equals(after.get(cell)) && doc.getStatus().getState().equals("Ready") ? true : null;
                        });
            }
        }
        return new Trial(number, victim, moving.size(), unreachable, downed, moved, rejoined, after);
    }

    /** The node holding the most cells; of those, the one after the last victim (so a tie does not pick the same). */
    private static String victim(Map<String, List<String>> byNode, String last) {
        int most = byNode.values().stream().mapToInt(List::size).max().orElse(0);
        if (most == 0) {
            throw new IllegalStateException("no node holds a cell: " + byNode);
        }
        int from = last == null ? 0 : NAMES.indexOf(last) + 1;
        for (int i = 0; i < NAMES.size(); i++) {
            String name = NAMES.get((from + i) % NAMES.size());
            if (byNode.getOrDefault(name, List.of()).size() == most) {
                return name;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** How the victim is listed through a survivor: its status, "gone" when not listed, "?" when the survivor did not answer. */
    private static String statusOf(DaemonProcess survivor, String victim) {
        try {
            return survivor.client().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList().stream()
                    .filter(n -> n.getName().equals(victim)).map(n -> n.getStatus()).findFirst().orElse("gone");
        } catch (RuntimeException | IOException e) {
            return "?";
        }
    }

    /** Cell name to the one host that runs it, or null while one runs nowhere or on two hosts. */
    private static Map<String, String> runningOnce(Map<String, RealHost> hosts, Set<String> cells) {
        Map<String, String> on = new TreeMap<>();
        Map<String, Set<String>> running = running(hosts);
        for (String cell : cells) {
            List<String> where = running.entrySet().stream().filter(e -> e.getValue().contains(cell)).map(Map.Entry::getKey)
                    .toList();
            if (where.size() != 1) {
                return null;
            }
            on.put(cell, where.get(0));
        }
        return on;
    }

    private static Map<String, Set<String>> running(Map<String, RealHost> hosts) {
        Map<String, Set<String>> running = new TreeMap<>();
        hosts.forEach((name, host) -> running.put(name, HostDeath.cellsRunning(host, REALM)));
        return running;
    }

    private static Map<String, List<String>> byNode(Map<String, String> runsOn) {
        Map<String, List<String>> by = new TreeMap<>();
        NAMES.forEach(n -> by.put(n, new ArrayList<>()));
        runsOn.forEach((cell, node) -> by.get(node).add(cell));
        return by;
    }

    private static Set<String> allCells() {
        Set<String> cells = new TreeSet<>();
        for (int i = 0; i < CELLS_PER_NODE * NAMES.size(); i++) {
            cells.add("w" + i);
        }
        return cells;
    }

    /**
     * The cells, applied through a one after another, each once the fleet knows where the previous one went
     * (placement weighs the replicated loads: most free memory, then the fewest cells).
     */
    private static void placeCells(DaemonProcess through) throws Exception {
        Map<String, Integer> placed = new HashMap<>();
        for (String cell : allCells()) {
            ApplyResponse applied = through.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(
                    manifest(cell))).build());
            String node = applied.getResults(0).getObject().getNode();
            if (!applied.getResults(0).getOutcome().equals("created") || node.isEmpty()) {
                throw new IllegalStateException("cell " + cell + " not created and placed: " + applied);
            }
            int count = placed.merge(node, 1, Integer::sum);
            Eventually.value(node + "'s cells known to a", Duration.ofSeconds(30), () -> through.client()
                    .listNodes(ListNodesRequest.getDefaultInstance()).getNodesList().stream()
                    .anyMatch(n -> n.getName().equals(node) && n.getCells() >= count) ? true : null);
        }
    }

    /** A cell of one busybox sleeper that restarts always: it moves when its node is downed. */
    private static String manifest(String name) {
        return "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: s\n"
                + "  stackId: t\n  containers: [{id: app, image: 'docker.io/library/busybox:latest', restartPolicy: always,"
                + " command: sleep, args: ['100000']}]\n";
    }

    /**
     * A start (then a kill, untimed) through a of a cell a holds and of one b holds, and the raw containerd
     * start of the same two containers on a's share, with and without the CNI chain, in turns.
     */
    private static void remoteStart(Map<String, DaemonProcess> nodes, RealHost hostA, int samples, Path dir) throws Exception {
        for (String node : List.of("a", "b")) {
            DaemonProcess d = nodes.get(node);
            Docs.createStack(d.client(), "probe/s/t");
            BusyboxUpload.into(d.asyncClient(), "probe");
            ObjectDoc cell = Docs.cell("probe/s/t/on-" + node, Map.of(), ContainerSpec.of("app", "docker.io/library/busybox:latest",
                    "sleep", List.of("3600")));
            d.client().create(CreateRequest.newBuilder().setObject(cell.toBuilder().setCell(cell.getCell().toBuilder()
                    .setNode(node))).build());
        }
        String rawNs = "kukeon-bench-raw-" + hostA.id;
        hostA.containerd.ensureNamespace(rawNs, RealHost.RAW_REALM, false);
        hostA.containerd.loadImage(rawNs, RealComponents.busyboxArchive());
        List<Long> here = new ArrayList<>();
        List<Long> there = new ArrayList<>();
        List<Long> raw = new ArrayList<>();
        List<Long> rawNetworked = new ArrayList<>();
        try (NetworkNamespaces rawNamespaces = new NetworkNamespaces("bench")) {
            NetworkNamespaces.Namespace rawBridges = rawNamespaces.create("raw").loopbackUp();
            RawCniChain chain = new RawCniChain(SpaceNetwork.configList("raw", "bench",
                    Ipv4Subnet.parse(StartBenchmark.RAW_SUBNET, "subnet"), dir.resolve("raw-ipam")),
                    new CniPlugins(CniPlugins.DEFAULT_SEARCH_PATH, null), rawBridges.path);
            for (int i = 0; i < samples + WARM_UP; i++) {
                boolean keep = i >= WARM_UP;
                for (int turn = 0; turn < 4; turn++) {   // which path goes first rotates
                    switch ((turn + i) % 4) {
                        case 0 -> keep(keep, here, startThenStop(nodes.get("a"), "probe/s/t/on-a"));
                        case 1 -> keep(keep, there, startThenStop(nodes.get("a"), "probe/s/t/on-b"));
                        case 2 -> keep(keep, raw, StartBenchmark.rawCell(hostA.containerd, rawNs, hostA.cgroupRoot, "c" + i,
                                null, dir).nanos());
                        default -> keep(keep, rawNetworked, StartBenchmark.rawNetworkedCell(hostA.containerd, rawNs,
                                hostA.cgroupRoot, "net-c" + i, chain, dir).sample().nanos());
                    }
                }
            }
            HostDeath.killTasks(hostA, rawNs);   // their sleep ignores SIGTERM: a stop would wait out its grace, each
            hostA.containerd.deleteNamespace(rawNs, RealHost.RAW_REALM);
        }
        System.out.printf("cell start (pause root + 1 busybox workload) through a, %d samples after %d of warm-up; load"
                + " average %s%n", samples, WARM_UP, loadAverage());
        System.out.printf("%-42s %8s %8s%n", "", "p50 ms", "p90 ms");
        for (Map.Entry<String, List<Long>> row : Map.of("start through a, cell on a", here, "start through a, cell on b", there,
                "raw containerd gRPC (2 containers)", raw, "raw gRPC + CNI chain (networked)", rawNetworked).entrySet()
                .stream().sorted(Map.Entry.comparingByKey()).toList()) {
            System.out.printf("%-42s %8.1f %8.1f%n", row.getKey(), pct(row.getValue(), 50) / 1e6, pct(row.getValue(), 90) / 1e6);
        }
    }

    /** A client's deadline runs from its making: one for each call. */
    private static long startThenStop(DaemonProcess through, String path) throws IOException {
        LifecycleRequest cell = LifecycleRequest.newBuilder().setKind("Cell").setPath(path).build();
        KukeonGrpc.KukeonBlockingStub api = through.client();
        long t0 = System.nanoTime();
        String state = api.start(cell).getObject().getStatus().getState();
        long nanos = System.nanoTime() - t0;
        if (!state.equals("Ready")) {
            throw new IllegalStateException("cell " + path + " is " + state + " after its start");
        }
        through.client().kill(cell);   // a stop: its sleep ignores SIGTERM, a stop would wait out stop-timeout
        return nanos;
    }

    private static void keep(boolean keep, List<Long> into, long nanos) {
        if (keep) {
            into.add(nanos);
        }
    }

    private static ObjectDoc get(KukeonGrpc.KukeonBlockingStub api, String path) {
        return api.get(GetRequest.newBuilder().setKind("Cell").setPath(path).build()).getObject();
    }

    /** Waits until each node lists all three Up. */
    private static void awaitAllUp(Map<String, DaemonProcess> nodes) throws Exception {
        for (Map.Entry<String, DaemonProcess> node : nodes.entrySet()) {
            Eventually.value("every node Up through " + node.getKey(), Duration.ofSeconds(120), () -> node.getValue().client()
                    .listNodes(ListNodesRequest.getDefaultInstance()).getNodesList().stream()
                    .filter(n -> n.getStatus().equals("Up")).map(n -> n.getName()).collect(Collectors.toSet())
                    .equals(Set.copyOf(NAMES)) ? true : null);
        }
    }

    private static void summary(String what, List<Long> nanos) {
        System.out.printf("%-42s %8.1f %8.1f %8.1f %8.1f%n", what, pct(nanos, 50) / 1e9, pct(nanos, 90) / 1e9,
                pct(nanos, 0) / 1e9, pct(nanos, 100) / 1e9);
    }

    /** What the daemons logged of the fleet and their cells, for a failed trial. */
    private static void printLogs(Set<String> names, Path dir) throws IOException {
        for (String name : names) {
            Path log = dir.resolve(name).resolve("daemon.log");
            if (!Files.exists(log)) {
                continue;
            }
            List<String> lines = Files.readAllLines(log);
            System.err.println("=== " + log + " (kept), its last " + LOG_LINES + " lines:");
            lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()).forEach(l -> System.err.println(name + ": " + l));
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
