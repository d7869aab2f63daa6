package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.kukeon.api.Docs;
import io.kukeon.testing.RealComponents;
import io.kukeon.testing.RealDaemon;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.StatusRequest;
import io.kukeon.wire.v1.StatusResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20, item 2: applies of images on a registry that accepts connections and never answers
 * held every thread of the one blocking pool, and `kuke status`, Gets and other realms' work
 * stalled for the 10-minute pull timeout. Here more cells than the daemon's pools have threads
 * pull from such a registry while status, health, Gets and a cell of another realm (pulled from
 * the real test registry, started in real containerd) all answer; then every hung pull ends with
 * a clear error: the stall error naming the registry, or that its turn at the registry never came.
 */
@Tag("containerd")
class HangingRegistryTest {
    /** More than the three pools' threads together (runtime 32, pulls 16, reads 8 by default). */
    private static final int HUNG_CELLS = 72;
    /**
     * Longer than creating the cells takes on a busy machine: the first pulls must still hang after it (CI: every
     * cell created 1.6 s after the applies, the checks done 2.3 s after; 30 s is left for the cells, 20 s for
     * them to queue). The test waits it out once.
     */
    private static final int STALL_SECONDS = 40;
    /** Shorter than the stall less the time the cells take to create: the waiting ones give up before a slot frees. */
    private static final int QUEUE_WAIT_SECONDS = 20;
    private static final int PULLS_PER_HOST = 4;

    @TempDir
    Path dataDir;

    /** Accepts every connection, reads nothing, answers never. */
    private static final class SilentRegistry implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        final List<Socket> accepted = new CopyOnWriteArrayList<>();

        SilentRegistry() throws IOException {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(socket.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-registry");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String host() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void hangingPullsStarveNeitherStatusNorReadsNorOtherRealmsAndEndWithAClearError() throws Exception {
        String realRegistry = RealComponents.registry();
        ExecutorService clients = Executors.newFixedThreadPool(HUNG_CELLS);
        try (SilentRegistry silent = new SilentRegistry();
             RealDaemon host = new RealDaemon(dataDir, Map.of("registry.stall-timeout", STALL_SECONDS + "s",
                     "registry.pull-queue-wait", QUEUE_WAIT_SECONDS + "s",
                     "registry.pulls-per-host", String.valueOf(PULLS_PER_HOST)))) {
            Docs.createStack(host.client(), "hung/s/t");
            createRealmWithLogin(host, "other", realRegistry);

            long t0 = System.nanoTime();
            List<Future<ApplyResult>> hung = new ArrayList<>();
            for (int i = 0; i < HUNG_CELLS; i++) {
                String cell = cell("hung", "c" + i, silent.host() + "/hung/app:1", "sleep", "3600");
                hung.add(clients.submit(() -> apply(host, cell)));
            }
            awaitTrue(() -> silent.accepted.size() >= PULLS_PER_HOST, Duration.ofSeconds(30),
                    "the pulls that got a slot reached the silent registry");
            long hanging = System.nanoTime();
            // every cell is created, and its container at its pull (before the fix: 64 of them held the whole pool)
            awaitTrue(() -> created(host) == HUNG_CELLS, Duration.ofSeconds(STALL_SECONDS - 10), "every cell is created");
            System.out.printf("hanging pulls: every cell created %.1f s after the applies%n", (System.nanoTime() - t0) / 1e9);

            // while they hang: status, health and Gets answer at once
            long before = System.nanoTime();
            try {
                StatusResponse status = host.client().withDeadlineAfter(5, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance());
                assertTrue(status.getChecksList().stream().anyMatch(c -> c.getName().equals("containerd") && c.getLevel().equals("OK")),
                        status.toString());
                assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(host.channel())
                        .withDeadlineAfter(5, TimeUnit.SECONDS).check(HealthCheckRequest.newBuilder().setService("kukeon.runtime")
                                .build()).getStatus());
                assertEquals("other", host.client().withDeadlineAfter(5, TimeUnit.SECONDS)
                        .get(GetRequest.newBuilder().setKind("Realm").setPath("other").build()).getObject().getMetadata().getName());
                assertEquals("t", host.client().withDeadlineAfter(5, TimeUnit.SECONDS)
                        .get(GetRequest.newBuilder().setKind("Stack").setPath("hung/s/t").build()).getObject().getMetadata().getName());
            } catch (io.grpc.StatusRuntimeException stalled) {
                printDaemonThreads();   // what the daemon was doing instead of answering
                throw stalled;
            }
            Duration reads = Duration.ofNanos(System.nanoTime() - before);
            assertEquals(PULLS_PER_HOST, silent.accepted.size(), "no more pulls at the registry than its slots");
            assertTrue(anyWaitsForASlot(host, silent.host()), "a cell whose pull waits for a slot shows it");

            // ... and a cell of another realm pulls from the real registry and starts in containerd
            before = System.nanoTime();
            ApplyResult other = apply(host, cell("other", "app", realRegistry + "/library/busybox:latest", "sleep", "3600"));
            Duration otherStart = Duration.ofNanos(System.nanoTime() - before);
            assertEquals("created", other.getOutcome(), other.toString());
            assertEquals("Ready", other.getObject().getStatus().getState());
            int pid = other.getObject().getStatus().getContainers(0).getPid();
            assertTrue(pid > 0 && java.nio.file.Files.exists(Path.of("/proc/" + pid)), "its process runs: " + pid);
            Duration sinceHung = Duration.ofNanos(System.nanoTime() - hanging);
            assertTrue(sinceHung.compareTo(Duration.ofSeconds(STALL_SECONDS)) < 0,
                    "all this while the first pulls still hang: " + sinceHung + " since they reached the registry");
            assertTrue(hung.stream().noneMatch(f -> f.isDone() && stalledError(f)), "none has stalled out yet");
            System.out.printf("hanging pulls: status+health+2 Gets took %d ms, the other realm's cell started in %d ms, "
                    + "%.1f s after the first pulls hung, %.1f s after the applies%n", reads.toMillis(), otherStart.toMillis(),
                    (System.nanoTime() - hanging) / 1e9, (System.nanoTime() - t0) / 1e9);

            // then every hung pull ends, with the stall error or the wait for its turn
            String stalled = "registry " + silent.host() + " is unreachable: no response within " + STALL_SECONDS + " s";
            String noTurn = "for one of " + PULLS_PER_HOST + " pull slots of registry " + silent.host();
            int stalls = 0;
            for (Future<ApplyResult> f : hung) {
                ApplyResult r = f.get(3L * STALL_SECONDS, TimeUnit.SECONDS);
                assertEquals("failed", r.getOutcome(), r.toString());
                assertTrue(r.getError().contains(stalled) || r.getError().contains(noTurn), r.getError());
                stalls += r.getError().contains(stalled) ? 1 : 0;
            }
            Duration all = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(stalls >= PULLS_PER_HOST, stalls + " stall errors");
            assertTrue(all.compareTo(Duration.ofSeconds(2L * STALL_SECONDS)) < 0, "all ended in " + all);
            System.out.printf("hanging pulls: all %d ended in %.1f s, %d with the stall error%n", HUNG_CELLS,
                    all.toMillis() / 1e3, stalls);

            ContainerStatus failed = host.client().get(GetRequest.newBuilder().setKind("Cell").setPath("hung/s/t/c0").build())
                    .getObject().getStatus().getContainers(0);
            assertTrue(failed.getMessage().contains(silent.host()), failed.toString());
        } finally {
            clients.shutdownNow();
        }
    }

    private static int created(RealDaemon host) throws IOException {
        int n = 0;
        for (int i = 0; i < HUNG_CELLS; i++) {
            try {
                host.client().withDeadlineAfter(5, TimeUnit.SECONDS)
                        .get(GetRequest.newBuilder().setKind("Cell").setPath("hung/s/t/c" + i).build());
                n++;
            } catch (io.grpc.StatusRuntimeException notYet) {
                // the apply has not created this cell yet
            }
        }
        return n;
    }

    private static boolean anyWaitsForASlot(RealDaemon host, String registry) throws IOException {
        for (int i = 0; i < HUNG_CELLS; i++) {
            try {
                ObjectDoc cell = host.client().withDeadlineAfter(5, TimeUnit.SECONDS)
                        .get(GetRequest.newBuilder().setKind("Cell").setPath("hung/s/t/c" + i).build()).getObject();
                for (ContainerStatus c : cell.getStatus().getContainersList()) {
                    if (c.getReason().equals("PullWaiting") && c.getMessage().contains("pull slots of registry " + registry)
                            && c.hasPull()) {
                        return true;
                    }
                }
            } catch (io.grpc.StatusRuntimeException notYet) {
                // the apply has not created this cell yet
            }
        }
        return false;
    }

    private static boolean stalledError(Future<ApplyResult> f) {
        try {
            return f.get().getError().contains("no response within");
        } catch (Exception e) {
            return false;
        }
    }

    private static void printDaemonThreads() {
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("kukeond")) {
                System.out.println(thread.getName() + " " + thread.getState());
                for (int i = 0; i < Math.min(stack.length, 12); i++) {
                    System.out.println("    at " + stack[i]);
                }
            }
        });
    }

    private static void createRealmWithLogin(RealDaemon host, String realm, String registry) throws Exception {
        io.kukeon.wire.v1.RealmSpec spec = io.kukeon.wire.v1.RealmSpec.newBuilder()
                .addRegistryCredentials(io.kukeon.wire.v1.RegistryCredential.newBuilder()
                        .setUsername(RealComponents.registryUser()).setPassword(RealComponents.registryPassword())
                        .setServerAddress(registry))
                .build();
        host.client().create(CreateRequest.newBuilder().setObject(ObjectDoc.newBuilder().setKind("Realm").setPath(realm)
                .setMetadata(io.kukeon.wire.v1.Metadata.newBuilder().setName(realm)).setRealm(spec)).build());
        host.client().create(CreateRequest.newBuilder().setObject(Docs.space(realm + "/s")).build());
        host.client().create(CreateRequest.newBuilder().setObject(Docs.stack(realm + "/s/t")).build());
    }

    /** A cell of one container, its own root: the image is all it needs. */
    private static String cell(String realm, String name, String image, String command, String arg) {
        return "kind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: " + realm + "\n  spaceId: s\n  stackId: t\n"
                + "  containers:\n    - id: app\n      root: true\n      image: " + image + "\n      command: " + command
                + "\n      args: ['" + arg + "']\n";
    }

    private static ApplyResult apply(RealDaemon host, String yaml) throws IOException {
        return host.client().withDeadlineAfter(3L * STALL_SECONDS, TimeUnit.SECONDS)
                .apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build())
                .getResults(0);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Check check, Duration within, String what) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(100);
        }
    }
}
