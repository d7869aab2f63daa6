package io.kukeon.storm;

import io.grpc.StatusRuntimeException;
import io.kukeon.api.Docs;
import io.kukeon.model.ObjectPath;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListNodesRequest;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The kill -9 storm over a fleet: N kukeond processes as one Pekko cluster on 127.0.0.1, each on
 * a {@link RealHost} share of one containerd (its own cgroup root, namespace suffix and network
 * namespace) with its H2 journal in its own data dir. {@link StormClient}s send each request through
 * a random member; at a random moment one random member is kill -9'd (its containers run on, as on
 * a host whose daemon died) and started again on its data dir and cluster port. Once every member
 * lists every member Up, lists the same objects, and all has settled, the {@link FleetInvariant}.
 * Where a cell lives is read from the lists ({@code ObjectDoc.node}), never assumed.
 */
final class FleetStorm implements AutoCloseable {
    /** One realm: every member needs it and the image in it (each node keeps its own scopes). */
    static final List<String> REALMS = List.of("r0");
    private static final int CLIENTS = 3;
    private static final int MAX_KILL_AFTER_MS = 4000;
    /** Short (the default is 20 s), so that a member killed for long is downed within a trial. */
    private static final String STABLE_AFTER = "3s";

    private record Member(String name, RealHost host, Path dataDir, DaemonProcess daemon) {}

    private final List<Member> members = new ArrayList<>();
    private final Expectations model = new Expectations();
    private final Random rng;
    /** Per trial: from the restart to the first look that found every member Up through every member. */
    private final List<Double> rejoinSeconds = new ArrayList<>();
    /** What setting the fleet up took, for the log. */
    private String setup = "";
    /** False once a trial ended without every member Up through every member: the next could not be checked. */
    private boolean together = true;

    private FleetStorm(Path work, int size, long seed) throws Exception {
        this.rng = new Random(seed);
        try {
            Path secret = Files.writeString(work.resolve("cluster.secret"), "the fleet storm's secret " + seed);
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                ports.add(freePort());
            }
            // every member names all as seeds: a restarted first seed then joins the others instead of forming a cluster alone
            String seeds = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
            for (int i = 0; i < size; i++) {
                String name = String.valueOf((char) ('a' + i));
                RealHost host = new RealHost();
                Map<String, String> settings = new HashMap<>(host.daemonSettings());
                // busybox sleep ignores SIGTERM: a short stop timeout keeps stops (and so the trials) short
                settings.putAll(Map.of("stop-timeout", "1s", "startup-grace", "100ms",
                        "cluster.node-name", name, "cluster.listen", "127.0.0.1:" + ports.get(i), "cluster.seeds", seeds,
                        "cluster.secret-file", secret.toString(), "cluster.stable-after", STABLE_AFTER));
                Path dataDir = work.resolve(name);
                members.add(new Member(name, host, dataDir, DaemonProcess.kukeond(dataDir, settings)));
            }
            long begun = System.nanoTime();
            eachMember(m -> m.daemon.start());
            long started = System.nanoTime();
            List<String> forming = new ArrayList<>();
            Settling.await(this::membership, lines -> lines, lines -> "", forming);
            if (!forming.isEmpty()) {
                throw new IllegalStateException("the fleet did not form: " + forming);
            }
            long formed = System.nanoTime();
            eachMember(m -> {
                for (String realm : REALMS) {
                    m.daemon.client().create(CreateRequest.newBuilder().setObject(Docs.realm(realm)).build());
                    BusyboxUpload.into(m.daemon.asyncClient(), realm);
                }
            });
            REALMS.forEach(realm -> model.acknowledged(ObjectPath.of(realm), Possible.SCOPE));
            setup = String.format("members started in %.1f s, all Up %.1f s later, realms and images in %.1f s",
                    (started - begun) / 1e9, (formed - started) / 1e9, (System.nanoTime() - formed) / 1e9);
        } catch (Exception | AssertionError e) {
            try {
                close();
            } catch (Exception cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private interface MemberStep {
        void run(Member m) throws Exception;
    }

    /** The step on every member side by side (JVM starts, uploads, clean-ups: each waits on its own); the first failure. */
    private void eachMember(MemberStep step) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failed = Collections.synchronizedList(new ArrayList<>());
        for (Member m : members) {
            Thread t = new Thread(() -> {
                try {
                    step.run(m);
                } catch (Exception | AssertionError e) {
                    failed.add(e);
                }
            }, "fleet-storm-" + m.name);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failed.isEmpty() && failed.get(0) instanceof Exception e) {
            throw e;
        } else if (!failed.isEmpty()) {
            throw (AssertionError) failed.get(0);
        }
    }

    /**
     * Runs the trials on a fleet of {@code size} members under {@code work} (one data dir per
     * member), printing one line each and a summary.
     *
     * @param until no trial starts after this (null: all of them run)
     */
    static List<KillStorm.Trial> run(Path work, int size, int trials, long seed, Instant until, PrintStream log)
            throws Exception {
        List<KillStorm.Trial> done = new ArrayList<>();
        log.println("fleet kill -9 storm: " + size + " members, " + trials + " trials, seed " + seed
                + " (the same seed replays the same requests), load average " + loadAverage());
        try (FleetStorm storm = new FleetStorm(work, size, seed)) {
            log.println(storm.setup);
            for (Member m : storm.members) {
                log.println("member " + m.name + ": cgroup root " + m.host.cgroupRoot + ", namespaces <realm>." + m.host.suffix
                        + ", daemon log " + m.daemon.log());
            }
            for (int n = 1; n <= trials && (until == null || Instant.now().isBefore(until)); n++) {
                KillStorm.Trial t = storm.trial(n);
                done.add(t);
                log.println("trial " + n + ": " + t.ops() + " ops, " + t.after() + ", violations: " + t.violations().size());
                t.violations().forEach(v -> log.println("  " + v));
                if (!storm.together) {
                    log.println("the fleet did not come together again: no more trials");
                    break;
                }
            }
            double[] rejoins = storm.rejoinSeconds.stream().mapToDouble(Double::doubleValue).filter(s -> !Double.isNaN(s)).toArray();
            log.println(KillStorm.summary(done) + String.format("; all Up again avg %.1f s max %.1f s after the restart; load average %s",
                    Arrays.stream(rejoins).average().orElse(0), Arrays.stream(rejoins).max().orElse(0), loadAverage()));
        }
        return done;
    }

    private KillStorm.Trial trial(int number) throws Exception {
        long killAfter = rng.nextInt(MAX_KILL_AFTER_MS);
        Member victim = members.get(rng.nextInt(members.size()));
        AtomicBoolean halt = new AtomicBoolean();
        AtomicBoolean faulted = new AtomicBoolean();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        List<StormClient> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Random through = new Random(rng.nextLong());   // used by this client's thread only
            StormClient client = new StormClient(i, rng.nextLong(), REALMS, () -> api(members.get(through.nextInt(members.size()))),
                    false, model, halt, faulted, violations);
            clients.add(client);
            threads.add(new Thread(client, "fleet-storm-client-" + i));
        }
        threads.forEach(Thread::start);
        Thread.sleep(killAfter);
        faulted.set(true);
        halt.set(true);
        victim.daemon.kill9();
        for (Thread t : threads) {
            t.join();   // a request in flight through the victim, or routed to it, fails
        }
        long killed = System.nanoTime();
        victim.daemon.start();
        long up = System.nanoTime();
        long[] allUp = {0};
        FleetObservation settled = Settling.await(() -> {
            FleetObservation o = look();
            if (allUp[0] == 0 && o.membership().isEmpty()) {
                allUp[0] = System.nanoTime();
            }
            return o;
        }, o -> o.moving(model), FleetObservation::fingerprint, violations);
        long done = System.nanoTime();
        together = settled.membership().isEmpty();
        if (together) {   // else its lists leave members out: the invariant would report them all
            Map<String, String> roots = new TreeMap<>();
            members.forEach(m -> roots.put(m.name, m.host.cgroupRoot));
            violations.addAll(FleetInvariant.check(model, settled, roots));
            KillStorm.carryOver(model, settled.merged());
        }
        rejoinSeconds.add(allUp[0] == 0 ? Double.NaN : (allUp[0] - up) / 1e9);
        Map<String, Long> cells = new TreeMap<>();
        members.forEach(m -> cells.put(m.name, settled.byNode().get(m.name).of("Cell").stream().count()));
        String after = String.format("%s killed after %d ms, restarted in %.1f s, all Up %s, settled %.1f s later: cells per node %s,"
                        + " %d containers in containerd", victim.name, killAfter, (up - killed) / 1e9,
                allUp[0] == 0 ? "never" : String.format("%.1f s later", (allUp[0] - up) / 1e9), (done - up) / 1e9, cells,
                settled.byNode().values().stream().mapToInt(o -> o.containerd().values().stream().mapToInt(List::size).sum()).sum());
        return new KillStorm.Trial(number, clients.stream().mapToInt(StormClient::ops).sum(), killAfter, List.copyOf(violations),
                after, (up - killed) / 1e9, (done - up) / 1e9);
    }

    private static KukeonGrpc.KukeonBlockingStub api(Member through) {
        try {
            return through.daemon.client();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One look at the fleet: the members as each member lists them; once all are Up through all,
     * every kind listed through every member (the first member's lists are the fleet's; another's
     * that differ are a disagreement), and each member's host.
     */
    private FleetObservation look() throws IOException {
        List<String> membership = membership();
        Map<String, Observation> byNode = new LinkedHashMap<>();
        if (!membership.isEmpty()) {   // the lists would leave members out; the hosts are looked at once it has come together
            members.forEach(m -> byNode.put(m.name, new Observation(List.of(), Map.of(), Map.of(), Map.of(),
                    Observation.Network.NONE)));
            return new FleetObservation(membership, List.of(), List.of(), byNode);
        }
        List<String> listing = new ArrayList<>();
        List<ObjectDoc> fleet = null;
        for (Member through : members) {
            try {
                List<ObjectDoc> listed = new ArrayList<>();
                for (String kind : Observation.KINDS) {
                    listed.addAll(api(through).list(ListRequest.newBuilder().setKind(kind).build()).getObjectsList());
                }
                if (fleet == null) {
                    fleet = listed;
                } else if (!where(listed).equals(where(fleet))) {
                    listing.add("through " + through.name + " the fleet's objects differ from through " + members.get(0).name
                            + ": " + difference(where(listed), where(fleet)));
                }
            } catch (StatusRuntimeException e) {
                listing.add("through " + through.name + ": a list failed " + e.getStatus().getCode() + " "
                        + e.getStatus().getDescription());
            }
        }
        for (Member m : members) {
            List<ObjectDoc> held = fleet == null ? List.of() : fleet.stream()
                    .filter(d -> FleetObservation.holders(d).contains(m.name)).toList();
            byNode.put(m.name, Observation.of(held, m.host, m.dataDir));
        }
        return new FleetObservation(membership, listing, fleet == null ? List.of() : List.copyOf(fleet), byNode);
    }

    /** One line per member that some member does not list Up, or that does not answer. */
    private List<String> membership() {
        List<String> membership = new ArrayList<>();
        for (Member through : members) {
            try {
                Map<String, String> statuses = new TreeMap<>();
                api(through).listNodes(ListNodesRequest.getDefaultInstance()).getNodesList()
                        .forEach(n -> statuses.put(n.getName(), n.getStatus()));
                for (Member m : members) {
                    if (!"Up".equals(statuses.get(m.name))) {
                        membership.add("through " + through.name + ": " + m.name + " is "
                                + statuses.getOrDefault(m.name, "not a member") + ", not Up");
                    }
                }
            } catch (StatusRuntimeException e) {
                membership.add("through " + through.name + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription());
            }
        }
        return membership;
    }

    /** Each object as "kind path on node". */
    private static Set<String> where(List<ObjectDoc> listed) {
        return listed.stream().map(d -> d.getKind() + " " + d.getPath() + " on " + d.getNode())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String difference(Set<String> seen, Set<String> fleet) {
        Set<String> extra = new TreeSet<>(seen);
        extra.removeAll(fleet);
        Set<String> missing = new TreeSet<>(fleet);
        missing.removeAll(seen);
        return "also " + extra + ", without " + missing;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * The daemons are killed, then each host's share is removed (its namespaces end the tasks). Not
     * through the API: every member holds a realm of the same name, which a routed delete refuses.
     */
    @Override
    public void close() throws Exception {
        try {
            eachMember(m -> m.daemon.close());
        } finally {
            eachMember(m -> m.host.close());
        }
    }
}
