package io.kukeon.bench;

import io.kukeon.testing.Specs;
import io.kukeon.api.Docs;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RestartPolicy;
import io.kukeon.supervisor.container.ContainerEvent;
import io.kukeon.supervisor.PersistenceIds;
import io.kukeon.testing.RealDaemon;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListRequest;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The recovery figures of issue 6:
 * <ul>
 *   <li>{@code restart [CELLS] [RUN_SECONDS]}: from a container's exit (containerd's exit time) to its restarted task
 *   running, for immediate restarts (reset-after short, so every exit restarts at once);</li>
 *   <li>{@code adopt N}: from a daemon start to all N running cells adopted (Ready again), with the
 *   real containerd;</li>
 *   <li>{@code adopt-fake N}: the same with the fake runtime (the tree and journal alone).</li>
 * </ul>
 */
public final class RecoveryBenchmark {
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "restart";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path dir = Files.createTempDirectory("kukeon-bench-recovery");
        switch (mode) {
            case "restart" -> restart(dir, n, args.length > 2 ? args[2] : "1");
            case "adopt" -> adopt(dir, n);
            case "adopt-fake" -> adoptFake(dir, n);
            default -> throw new IllegalArgumentException("mode: restart | adopt N | adopt-fake N");
        }
        io.kukeon.testing.TempDirs.deleteRecursively(dir);
    }

    /** Each of {@code cells} containers exits after {@code runSeconds}, and is restarted at once, for 20 s. */
    private static void restart(Path dir, int cells, String runSeconds) throws Exception {
        try (RealDaemon host = new RealDaemon(dir, Map.of("restart.reset-after", "200ms"))) {
            tree(host.client());
            host.loadBusybox("bench");
            for (int i = 0; i < cells; i++) {
                host.client().create(CreateRequest.newBuilder().setObject(Docs.cell("bench/s/t/c" + i, Map.of(),
                        Specs.container("crash").image("docker.io/library/busybox:latest").command("/bin/sh")
                                .args("-c", "sleep " + runSeconds + "; exit 1").restart(RestartPolicy.ALWAYS).build()))
                        .build());
                host.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("bench/s/t/c" + i).build());
            }
            Thread.sleep(20_000);
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < cells; i++) {
                millis.addAll(exitToRunning(host.daemon().system(), ObjectPath.parse("bench/s/t/c" + i + "/crash")));
            }
            host.client().delete(io.kukeon.wire.v1.DeleteRequest.newBuilder().setKind("Realm").setPath("bench")
                    .setCascade(true).build());
            Collections.sort(millis);
            System.out.printf("exit -> restarted task running, %d restarts of %d containers: p50 %d ms, p90 %d ms,"
                            + " p99 %d ms, max %d ms%n", millis.size(), cells, pct(millis, 50), pct(millis, 90),
                    pct(millis, 99), millis.get(millis.size() - 1));
        }
    }

    /** Pairs each exit (at containerd's exit time) with the next task start, from the container's journal. */
    private static List<Long> exitToRunning(ActorSystem<?> system, ObjectPath container) throws Exception {
        JdbcReadJournal journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class,
                JdbcReadJournal.Identifier());
        List<Object> events = new ArrayList<>();
        journal.currentEventsByPersistenceId(PersistenceIds.of(container).id(), 0, Long.MAX_VALUE)
                .runWith(Sink.foreach(e -> events.add(e.event())), system).toCompletableFuture().get();
        List<Long> out = new ArrayList<>();
        Instant exited = null;
        for (Object e : events) {
            if (e instanceof ContainerEvent.TaskExited x) {
                exited = x.at();
            } else if (e instanceof ContainerEvent.TaskStarted s && exited != null) {
                out.add(Duration.between(exited, s.at()).toMillis());
                exited = null;
            }
        }
        return out;
    }

    private static void adopt(Path dir, int cells) throws Exception {
        try (RealDaemon host = new RealDaemon(dir, Map.of())) {
            tree(host.client());
            host.loadBusybox("bench");
            startCells(host.client(), cells, ContainerSpec.of("app", "docker.io/library/busybox:latest", "sleep",
                    List.of("3600")));
            host.stop();
            long t0 = System.nanoTime();
            host.start();
            long ms = untilAllReady(host.client(), cells, t0);
            System.out.printf("daemon start -> %d real cells adopted (Ready): %d ms%n", cells, ms);
            host.client().delete(io.kukeon.wire.v1.DeleteRequest.newBuilder().setKind("Realm").setPath("bench")
                    .setCascade(true).build());
        }
    }

    private static void adoptFake(Path dir, int cells) throws Exception {
        try (TestDaemon daemon = new TestDaemon(dir, Map.of("startup-grace", "0ms"))) {
            tree(daemon.client());
            startCells(daemon.client(), cells, Docs.container("app", "sleep"));
            daemon.stop();
            long t0 = System.nanoTime();
            daemon.start();
            long ms = untilAllReady(daemon.client(), cells, t0);
            System.out.printf("daemon start -> %d cells adopted (fake runtime): %d ms%n", cells, ms);
        }
    }

    private static long untilAllReady(KukeonGrpc.KukeonBlockingStub api, int cells, long t0) throws Exception {
        while (true) {
            long ready = api.withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS)
                    .list(ListRequest.newBuilder().setKind("Cell").build()).getObjectsList().stream()
                    .filter(c -> c.getStatus().getState().equals("Ready")).count();
            if (ready == cells) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            Thread.sleep(20);
        }
    }

    /** Cells c0..c(n-1) in bench/s/t, one container each, created and started one after the other. */
    private static void startCells(KukeonGrpc.KukeonBlockingStub api, int cells, ContainerSpec app) {
        for (int i = 0; i < cells; i++) {
            api.create(CreateRequest.newBuilder().setObject(Docs.cell("bench/s/t/c" + i, Map.of(), app)).build());
            api.start(LifecycleRequest.newBuilder().setKind("Cell").setPath("bench/s/t/c" + i).build());
        }
    }

    private static void tree(KukeonGrpc.KukeonBlockingStub api) {
        Docs.createStack(api, "bench/s/t");
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }
}
