package io.kukeon.storm;

import io.kukeon.api.Docs;
import io.kukeon.model.ObjectPath;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.PrivateContainerd;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ObjectDoc;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The kill -9 storm: the real kukeond in a JVM of its own (real cgroups on a {@link RealHost}
 * share, and a containerd of its own), a few {@link StormClient}s firing applies, starts, stops and
 * deletes at it, and at a random moment a fault: a kill -9 of kukeond and a start on the same
 * data dir, or (one trial in {@code containerdRestartOneIn}, when asked) a restart of containerd
 * under the running kukeond. Once it has settled, the {@link StormInvariant}. Each trial goes on from the state the previous one left. The realms
 * (with the busybox image in them) are made once and stay; spaces, stacks and cells come and go.
 */
final class KillStorm implements AutoCloseable {
    static final List<String> REALMS = List.of("r0", "r1");
    private static final int CLIENTS = 3;
    private static final int MAX_KILL_AFTER_MS = 4000;

    /**
     * @param violations empty when the invariant held
     * @param after      what the restart took and found, for the log
     * @param restartSeconds from the fault to kukeond answering again (0 when kukeond ran on)
     * @param settleSeconds  from then to the settled observation the invariant is checked on
     */
    record Trial(int number, int ops, long killedAfterMs, List<String> violations, String after, double restartSeconds,
                 double settleSeconds) {}

    private final PrivateContainerd containerd;
    private final RealHost host;
    private final DaemonProcess daemon;
    private final Path dataDir;
    private final Expectations model = new Expectations();
    private final Random rng;
    /** One trial in this many restarts containerd instead of killing kukeond (0: never). */
    private final int containerdRestartOneIn;

    /** @param journal kukeond's journal.* settings (none: its H2 file under the data dir) */
    private KillStorm(Path dataDir, long seed, int containerdRestartOneIn, Map<String, String> journal) throws Exception {
        this.rng = new Random(seed);
        this.dataDir = dataDir;
        this.containerdRestartOneIn = containerdRestartOneIn;
        this.containerd = new PrivateContainerd();
        containerd.start();
        this.host = new RealHost(containerd.socket());
        Map<String, String> settings = new HashMap<>(host.daemonSettings());
        // busybox sleep ignores SIGTERM: a short stop timeout keeps stops (and so the trials) short
        settings.putAll(Map.of("stop-timeout", "1s", "startup-grace", "100ms"));
        settings.putAll(journal);
        this.daemon = DaemonProcess.kukeond(dataDir, settings);
        try {
            daemon.start();
            for (String realm : REALMS) {
                daemon.client().create(CreateRequest.newBuilder().setObject(Docs.realm(realm)).build());
                BusyboxUpload.into(daemon.asyncClient(), realm);
                model.acknowledged(ObjectPath.of(realm), Possible.SCOPE);
            }
        } catch (Exception | AssertionError e) {
            try {
                close();
            } catch (Exception cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Runs the trials on the journal these journal.* settings of kukeond name, printing one line each and a summary.
     *
     * @param until no trial starts after this (null: all of them run)
     */
    static List<Trial> run(Path dataDir, int trials, long seed, int containerdRestartOneIn, Map<String, String> journal,
                           Instant until, PrintStream log) throws Exception {
        List<Trial> done = new ArrayList<>();
        log.println("kill -9 storm: " + trials + " trials, seed " + seed + " (the same seed replays the same requests), journal "
                + journal.getOrDefault("journal.kind", "h2"));
        try (KillStorm storm = new KillStorm(dataDir, seed, containerdRestartOneIn, journal)) {
            log.println("cgroup root " + storm.host.cgroupRoot + ", namespaces <realm>." + storm.host.suffix + ", daemon log "
                    + storm.daemon.log());
            for (int n = 1; n <= trials && (until == null || Instant.now().isBefore(until)); n++) {
                Trial t = storm.trial(n);
                done.add(t);
                log.println("trial " + n + ": " + t.ops() + " ops, killed after " + t.killedAfterMs() + " ms, violations: "
                        + t.violations().size() + " (" + t.after() + ")");
                t.violations().forEach(v -> log.println("  " + v));
            }
        }
        log.println(summary(done));
        return done;
    }

    /** "trials T, violations V" and the run's figures: requests, restart and settle times (avg/max). */
    static String summary(List<Trial> done) {
        double[] restarts = done.stream().mapToDouble(Trial::restartSeconds).filter(s -> s > 0).toArray();
        double[] settles = done.stream().mapToDouble(Trial::settleSeconds).toArray();
        return String.format("trials %d, violations %d, requests %d; restart avg %.1f s max %.1f s; settled avg %.1f s max %.1f s later",
                done.size(), done.stream().mapToInt(t -> t.violations().size()).sum(), done.stream().mapToInt(Trial::ops).sum(),
                Arrays.stream(restarts).average().orElse(0), Arrays.stream(restarts).max().orElse(0),
                Arrays.stream(settles).average().orElse(0), Arrays.stream(settles).max().orElse(0));
    }

    private KukeonGrpc.KukeonBlockingStub api() {
        try {
            return daemon.client();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Trial trial(int number) throws Exception {
        long killAfter = rng.nextInt(MAX_KILL_AFTER_MS);
        boolean restartContainerd = containerdRestartOneIn > 0 && rng.nextInt(containerdRestartOneIn) == 0;
        AtomicBoolean halt = new AtomicBoolean();
        AtomicBoolean faulted = new AtomicBoolean();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        List<StormClient> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            StormClient client = new StormClient(i, rng.nextLong(), REALMS, this::api, true, model, halt, faulted, violations);
            clients.add(client);
            threads.add(new Thread(client, "storm-client-" + i));
        }
        threads.forEach(Thread::start);
        Thread.sleep(killAfter);
        faulted.set(true);
        if (restartContainerd) {   // kukeond runs on; what it was told meanwhile is carried out or undone
            containerd.stop();
            Thread.sleep(rng.nextInt(1000));
            containerd.start();
            halt.set(true);
        } else {
            halt.set(true);
            daemon.kill9();
        }
        for (Thread t : threads) {
            t.join();   // its request in flight fails as soon as the channel is gone
        }
        long killed = System.nanoTime();
        if (!restartContainerd) {
            daemon.start();
        }
        long up = System.nanoTime();
        Observation settled = Settling.await(() -> Observation.take(daemon.client(), host, dataDir), model, violations);
        long done = System.nanoTime();
        violations.addAll(StormInvariant.check(model, settled, host.cgroupRoot));
        carryOver(model, settled);
        String after = String.format("%s in %.1f s, settled %.1f s later: %d objects, %d containers in containerd",
                restartContainerd ? "containerd restarted, kukeond ran on" : "kukeond killed and restarted",
                (up - killed) / 1e9, (done - up) / 1e9, settled.listed().size(),
                settled.containerd().values().stream().mapToInt(List::size).sum());
        return new Trial(number, clients.stream().mapToInt(StormClient::ops).sum(), killAfter, List.copyOf(violations),
                after, restartContainerd ? 0 : (up - killed) / 1e9, (done - up) / 1e9);
    }

    /**
     * The next trial starts from what exists (a violation is reported once, not again in every
     * later trial); a level still being deleted (it did not settle) may be gone by then.
     */
    static void carryOver(Expectations model, Observation settled) {
        List<ObjectPath> paths = new ArrayList<>(model.paths());
        List<ObjectPath> deleting = new ArrayList<>();
        for (ObjectDoc d : settled.listed()) {
            if (!d.getKind().equals("Container")) {
                paths.add(ObjectPath.parse(d.getPath()));
            }
            if (d.getStatus().getState().equals("Deleting")) {
                deleting.add(ObjectPath.parse(d.getPath()));
            }
        }
        for (ObjectPath p : paths) {
            model.settle(p, StormInvariant.observed(settled, p));
        }
        deleting.forEach(model::deleteInDoubt);
    }

    /**
     * Realms deleted through the API (a failure there is reported, after the rest); then, as a
     * safety net, whatever is left of our namespaces and cgroups.
     */
    @Override
    public void close() throws Exception {
        try {
            for (String realm : REALMS) {
                if (model.mayExist(ObjectPath.of(realm))) {
                    api().delete(DeleteRequest.newBuilder().setKind("Realm").setPath(realm).setCascade(true).build());
                }
            }
        } finally {
            try {
                daemon.close();
            } finally {
                try {
                    host.close();
                } finally {
                    containerd.close();
                }
            }
        }
    }
}
