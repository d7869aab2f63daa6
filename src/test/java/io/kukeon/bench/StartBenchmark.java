package io.kukeon.bench;

import io.kukeon.api.Docs;
import io.kukeon.model.CellSpec;
import io.kukeon.model.CgroupPath;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ObjectPath;
import io.kukeon.network.CniPlugins;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.runtime.ContainerLogDir;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.LogTarget;
import io.kukeon.runtime.containerd.ContainerdRuntime;
import io.kukeon.supervisor.JournalGate;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.SupervisorTree;
import io.kukeon.testing.NetworkNamespaces;
import io.kukeon.testing.PrivatePostgres;
import io.kukeon.testing.RealDaemon;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cell start through kukeond against the same work done with raw containerd gRPC calls, in one
 * run, alternating, plus `ctr run -d` for scale. A cell start is its pause root, attached to its
 * space's network, plus one workload that joins the root's namespaces, so the raw baseline creates
 * and starts those two containers and, between them, runs the space's plugin chain on the root
 * directly ({@link RawCniChain}: a conflist like a space's, in a network namespace of the same kind
 * as kukeond's); the chain's ADD is also given alone. The raw start without a network is kept
 * beside it. The start is timed twice through kukeond: as a client sees it (the Start RPC) and
 * asked of the supervisor tree in-process, which leaves out the gRPC API's own round trip.
 *
 * <p>Run by scripts/bench-start.sh: {@code -Dkukeon.containerd.socket}, {@code -Dkukeon.busybox.archive},
 * args: N [startup-grace, e.g. 0ms; default: kukeond's]; {@code -Dkukeon.test.journal=postgres} puts kukeond's journal on a
 * database of the private PostgreSQL server of {@code -Dkukeon.postgres.url}. Its kukeond has the
 * default settings otherwise.
 */
public final class StartBenchmark {
    /** The raw network's /24, in a namespace of its own (kukeond's space has its /24 from pod-subnet in its namespace). */
    static final String RAW_SUBNET = "10.250.0.0/24";

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String grace = args.length > 1 ? args[1] : null;   // null: kukeond's default, as a user has it
        Path dir = Files.createTempDirectory("kukeon-bench");
        List<Sample> raw = new ArrayList<>();
        List<Sample> rawNetworked = new ArrayList<>();
        List<Long> cniAdd = new ArrayList<>();
        List<Sample> kukeond = new ArrayList<>();
        List<Sample> inProcess = new ArrayList<>();
        List<Long> ctr = new ArrayList<>();
        List<Long> ratios = new ArrayList<>();   // per round, in thousandths
        List<Long> rpc = new ArrayList<>();
        long compilerMillis;
        Map<String, String> settings = new HashMap<>(PrivatePostgres.daemonJournalOfRun("start"));
        if (grace != null) {
            settings.put("startup-grace", grace);
        }
        try (RealDaemon host = new RealDaemon(dir, settings);
             NetworkNamespaces rawNamespaces = new NetworkNamespaces("bench")) {
            var api = host.client();
            Docs.createStack(api, "bench/s/t");
            host.loadBusybox("bench");
            String rawNs = "kukeon-bench-raw-" + host.id;
            ContainerdRuntime runtime = host.containerd;
            SupervisorTree tree = new SupervisorTree(host.daemon().system(), host.daemon().system().scheduler(),
                    Duration.ofMinutes(2), JournalGate.OPEN);
            runtime.ensureNamespace(rawNs, RealHost.RAW_REALM, false);
            runtime.loadImage(rawNs, io.kukeon.testing.RealComponents.busyboxArchive());
            // the raw side's bridge, veths and NAT rules: a namespace of the same kind as kukeond's, of its own
            NetworkNamespaces.Namespace rawBridges = rawNamespaces.create("raw").loopbackUp();
            RawCniChain chain = new RawCniChain(SpaceNetwork.configList("raw", "bench", Ipv4Subnet.parse(RAW_SUBNET, "subnet"),
                    dir.resolve("raw-ipam")), new CniPlugins(CniPlugins.DEFAULT_SEARCH_PATH, null), rawBridges.path);
            long compilerBefore = 0;
            for (int i = 0; i < n + 1; i++) {   // round 0 warms up both paths and is not counted
                if (i == 1) {
                    compilerBefore = JvmCpu.compilerMillis();
                }
                String cell = "c" + i;
                // Which path goes first rotates, so none always meets another's leftovers.
                Sample rawSample = null;
                RawStart rawNetworkedStart = null;
                Sample kukeondSample = null;
                Sample inProcessSample = null;
                for (int turn = 0; turn < 4; turn++) {
                    switch ((turn + i) % 4) {
                        case 0 -> rawSample = rawCell(runtime, rawNs, host.cgroupRoot, cell, null, dir);
                        case 1 -> rawNetworkedStart = rawNetworkedCell(runtime, rawNs, host.cgroupRoot, "net-" + cell, chain, dir);
                        case 2 -> kukeondSample = kukeondCell(host, cell);
                        default -> inProcessSample = inProcessCell(host, tree, "in-" + cell);
                    }
                }
                long t4 = System.nanoTime();
                Process p = new ProcessBuilder("ctr", "--address", host.socket.toString(), "-n", rawNs, "run", "-d",
                        "--cgroup", "/" + host.cgroupRoot + "/ctr/" + cell, "docker.io/library/busybox:latest",
                        "ctr-" + cell, "sleep", "3600").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("ctr run failed: " + out);
                }
                long t5 = System.nanoTime();
                if (i > 0) {
                    raw.add(rawSample);
                    rawNetworked.add(rawNetworkedStart.sample());
                    cniAdd.add(rawNetworkedStart.cniAddNanos());
                    kukeond.add(kukeondSample);
                    inProcess.add(inProcessSample);
                    ctr.add(t5 - t4);
                    ratios.add(kukeondSample.nanos() * 1000 / rawNetworkedStart.sample().nanos());
                }
            }
            compilerMillis = JvmCpu.compilerMillis() - compilerBefore;
            for (int j = 0; j < 50; j++) {   // the API's own floor: a call that does nothing, spaced like starts
                Thread.sleep(20);
                long t0 = System.nanoTime();
                host.client().version(io.kukeon.wire.v1.VersionRequest.getDefaultInstance());
                rpc.add(System.nanoTime() - t0);
            }
            for (String root : chain.added()) {   // the raw roots' DEL while they run, as a cell stop does
                chain.delete(root, rawRoots.remove(root));
            }
            runtime.deleteNamespace(rawNs, RealHost.RAW_REALM);
            try {   // the figures stand without it: closing the daemon's share removes what is left
                host.client().delete(io.kukeon.wire.v1.DeleteRequest.newBuilder().setKind("Realm").setPath("bench").setCascade(true).build());
            } catch (RuntimeException e) {
                System.err.println("deleting realm bench failed: " + e.getMessage());
            }
            // printed before the daemon closes: its clean-up may fail on what it finds, the figures stand
            double r = median(Sample.nanos(rawNetworked));
            double k = median(Sample.nanos(kukeond));
            System.out.printf("cell start = pause root + 1 workload joining its namespaces; N=%d, startup-grace %d ms%s; %s%n", n,
                    host.config().startupGrace().toMillis(), grace == null ? " (default)" : "", host.config().journal());
            System.out.printf("JVM (kukeond's and the raw client's): %s%n", JvmCpu.options());
            System.out.printf("%-34s %10s %10s %10s%n", "", "median", "p90", "min");
            row("raw containerd gRPC (2 containers)", Sample.nanos(raw));
            row("raw gRPC + CNI chain (networked)", Sample.nanos(rawNetworked));
            row("CNI ADD alone (bridge,portmap,lo)", cniAdd);
            row("kukeond Start RPC -> Ready", Sample.nanos(kukeond));
            row("kukeond Start, in-process ask", Sample.nanos(inProcess));
            row("ctr run -d (1 container)", ctr);
            row("Version RPC (no work)", rpc);
            row("JVM CPU in a raw start", Sample.cpuNanos(raw));
            row("JVM CPU in a raw networked start", Sample.cpuNanos(rawNetworked));
            row("JVM CPU in a kukeond RPC start", Sample.cpuNanos(kukeond));
            row("JVM CPU in an in-process start", Sample.cpuNanos(inProcess));
            System.out.printf("JIT compiler threads' CPU over the timed rounds: %d ms%n", compilerMillis);
            System.out.printf("ratio kukeond / raw networked: %.2f (of the medians); %.2f (median of the rounds' ratios)%n",
                    k / r, median(ratios) * 1e3);
            System.out.printf("ratio in-process / raw networked: %.2f (of the medians)%n", median(Sample.nanos(inProcess)) / r);
            System.out.printf("ratio kukeond / raw without network: %.2f (of the medians)%n", k / median(Sample.nanos(raw)));
        }
        io.kukeon.testing.TempDirs.deleteRecursively(dir);
    }

    /** One start: wall time, and the CPU time the whole JVM spent meanwhile (counted in 10 ms ticks). */
    record Sample(long nanos, long cpuNanos) {
        static Sample since(long t0, long cpu0) {
            return new Sample(System.nanoTime() - t0, JvmCpu.processNanos() - cpu0);
        }

        static List<Long> nanos(List<Sample> samples) {
            return samples.stream().map(Sample::nanos).toList();
        }

        static List<Long> cpuNanos(List<Sample> samples) {
            return samples.stream().map(Sample::cpuNanos).toList();
        }
    }

    /** A raw networked start, and the time its ADD took alone. */
    record RawStart(Sample sample, long cniAddNanos) {}

    /** The raw roots on the network, by container ID: their namespaces for the DEL at the end. */
    private static final Map<String, Path> rawRoots = new HashMap<>();

    /** The raw networked start: the root, the space's plugin chain on it, then the workload. */
    static RawStart rawNetworkedCell(ContainerdRuntime runtime, String ns, String cgroupRoot, String cell, RawCniChain chain,
                                     Path dir) throws IOException {
        long[] add = new long[1];
        Sample sample = rawCell(runtime, ns, cgroupRoot, cell, (rootId, rootPid) -> {
            Path netns = Path.of("/proc/" + rootPid + "/ns/net");
            long t0 = System.nanoTime();
            chain.add(rootId, netns);
            add[0] = System.nanoTime() - t0;
            rawRoots.put(rootId, netns);
        }, dir);
        return new RawStart(sample, add[0]);
    }

    /** What the raw start does between its root and its workload: the network's ADD, or nothing. */
    interface RootAttach {
        void attach(String rootId, int rootPid) throws IOException;
    }

    /** The pause root, then (when given) its network, then a workload in its namespaces, as a cell start makes them. */
    static Sample rawCell(ContainerdRuntime runtime, String ns, String cgroupRoot, String cell, RootAttach network,
                          Path dir) throws IOException {
        long cpu0 = JvmCpu.processNanos();
        long t0 = System.nanoTime();
        int rootPid = runRaw(runtime, ns, cgroupRoot, cell, "root", CellSpec.pauseRoot().command(),
                CellSpec.pauseRoot().args(), Map.of(), dir);
        if (network != null) {
            network.attach(rawId(cell, "root"), rootPid);
        }
        runRaw(runtime, ns, cgroupRoot, cell, "app", "sleep", List.of("3600"),
                Map.of("network", "/proc/" + rootPid + "/ns/net", "ipc", "/proc/" + rootPid + "/ns/ipc",
                        "uts", "/proc/" + rootPid + "/ns/uts"), dir);
        return Sample.since(t0, cpu0);
    }

    /** A cell is created, then its Start RPC is timed until it answers. */
    private static Sample kukeondCell(RealDaemon host, String cell) throws Exception {
        var api = createCell(host, cell);
        long cpu0 = JvmCpu.processNanos();
        long t0 = System.nanoTime();
        String state = api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("bench/s/t/" + cell).build())
                .getObject().getStatus().getState();
        Sample sample = Sample.since(t0, cpu0);
        if (!state.equals("Ready")) {
            throw new IllegalStateException("cell " + cell + " is " + state);
        }
        return sample;
    }

    /** The same start asked of the supervisor tree inside the daemon's JVM: no gRPC API in between. */
    private static Sample inProcessCell(RealDaemon host, SupervisorTree tree, String cell) throws Exception {
        createCell(host, cell);
        long cpu0 = JvmCpu.processNanos();
        long t0 = System.nanoTime();
        Reply reply = tree.ask(ObjectPath.parse("bench/s/t/" + cell), ObjectCommand.Start::new).toCompletableFuture().get();
        Sample sample = Sample.since(t0, cpu0);
        if (!reply.object().state().equals("Ready")) {
            throw new IllegalStateException("cell " + cell + " is " + reply.object().state());
        }
        return sample;
    }

    /** A created, not started cell of one busybox sleeper; returns the client that made it. */
    private static KukeonGrpc.KukeonBlockingStub createCell(RealDaemon host, String cell) throws Exception {
        var api = host.client();
        api.create(CreateRequest.newBuilder().setObject(Docs.cell("bench/s/t/" + cell, Map.of(),
                ContainerSpec.of("app", "docker.io/library/busybox:latest", "sleep", List.of("3600")))).build());
        return api;
    }

    /** Create + start of one container with the same client the daemon uses, no actor, no journal. */
    static int runRaw(ContainerdRuntime runtime, String ns, String cgroupRoot, String cell, String name,
                              String command, List<String> args, Map<String, String> joins, Path dir) {
        String id = rawId(cell, name);
        runtime.ensureContainer(new ContainerRequest(ns, id, Map.of("kukeon.io/cell", cell), "docker.io/library/busybox:latest",
                command, args, List.of(), null, null, joins.isEmpty() ? cell : null,
                new CgroupPath(List.of(cgroupRoot, "raw", cell, id)), null, joins, "s_t_" + cell));
        return runtime.startTask(ns, id, new LogTarget(new ContainerLogDir(dir.resolve(id)), 10L * 1024 * 1024, 5)).pid();
    }

    static String rawId(String cell, String container) {
        return "s_t_" + cell + "_" + container;
    }

    private static void row(String name, List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        System.out.printf("%-34s %8.1f ms %8.1f ms %8.1f ms%n", name, median(nanos), s.get((int) (s.size() * 0.9)) / 1e6,
                s.get(0) / 1e6);
    }

    private static double median(List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get(s.size() / 2) / 1e6;
    }
}
