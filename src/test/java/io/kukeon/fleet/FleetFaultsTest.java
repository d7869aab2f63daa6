package io.kukeon.fleet;

import io.grpc.stub.StreamObserver;
import io.kukeon.api.Docs;
import io.kukeon.model.ContainerSpec;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.ExecExit;
import io.kukeon.wire.v1.ExecInput;
import io.kukeon.wire.v1.ExecOutput;
import io.kukeon.wire.v1.ExecStart;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.LogsRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.kukeon.fleet.FleetTesting.byName;
import static io.kukeon.fleet.FleetTesting.freePort;
import static io.kukeon.fleet.FleetTesting.secret;
import static io.kukeon.fleet.FleetTesting.statuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three kukeond processes on the test containerd, each with its own data dir, cgroup root and
 * namespace suffix, as one cluster on 127.0.0.1: cells applied through one node run on the node
 * their spec or the free memory chooses; calls through one node reach another's cells; a node
 * killed with -9 is downed by the others while its containers run on, and rejoins when started
 * again, adopting them; a node paused past stable-after is downed, and when it resumes it stops
 * with exit 1 saying so.
 */
@Tag("containerd")
class FleetFaultsTest {
    private static final String STABLE_AFTER = "3s";

    @TempDir
    Path work;

    @Test
    void aKilledNodeIsDownedAndRejoinsAPausedOneStopsWhenItResumes() throws Exception {
        Path secret = secret(work.resolve("secret"), "a fleet secret of some length");
        int seed = freePort();
        try (RealHost hostA = new RealHost(); RealHost hostB = new RealHost(); RealHost hostC = new RealHost();
             DaemonProcess a = member(hostA, "a", seed, seed, secret, "role=edge", "2GiB");
             DaemonProcess b = member(hostB, "b", freePort(), seed, secret, "role=core", "1GiB");
             DaemonProcess c = member(hostC, "c", freePort(), seed, secret, "role=edge", "4GiB")) {
            a.start();
            b.start();
            c.start();
            FleetTesting.allUp(Map.of("a", a.client(), "b", b.client(), "c", c.client()));
            Docs.createStack(b.client(), "r/s/t");
            BusyboxUpload.into(b.asyncClient(), "r");
            b.client().create(CreateRequest.newBuilder().setObject(FleetTesting.onNode(Docs.cell("r/s/t/web", Map.of(),
                    ContainerSpec.of("app", "docker.io/library/busybox:latest", "/bin/sh",
                            List.of("-c", "echo started-on-b; exec sleep 1000"))), "b")).build());
            b.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/web").build());
            assertEquals("Ready", Docs.judged(b.client(), "r/s/t/web").getStatus().getState());

            // through a: b's cell runs a command, and its log is read, on b's host
            // (a learns b's gateway from the receptionist a moment after b is Up: until then, UNAVAILABLE)
            ExecOutcome ran = Eventually.value("an exec through a", Duration.ofSeconds(20),
                    () -> exec(a.asyncClient(), "r/s/t/web", "cat", "/etc/hostname"));
            assertEquals(0, ran.exit().getCode(), ran.exit().getReason());
            assertEquals("web\n", ran.stdout());
            Eventually.value("b's log read through a", Duration.ofSeconds(20), () -> {
                StringBuilder log = new StringBuilder();
                a.client().logs(LogsRequest.newBuilder().setPath("r/s/t/web").setContainer("app").build())
                        .forEachRemaining(chunk -> log.append(chunk.getData().toStringUtf8()));
                return log.toString().equals("started-on-b\n") ? true : null;
            });
            Eventually.value("b's cell seen from a", Duration.ofSeconds(30), () -> byName(a.client(), "b").getCells() == 1 ? true : null);

            // cells applied through a land where their spec asks, or on c, the most free memory: their
            // containers run in that host's containerd (each host's image loaded there first)
            for (DaemonProcess d : List.of(a, c)) {
                Docs.createStack(d.client(), "r/s/t");
                BusyboxUpload.into(d.asyncClient(), "r");
            }
            io.kukeon.wire.v1.ApplyResponse placed = a.client().apply(io.kukeon.wire.v1.ApplyRequest.newBuilder()
                    .setManifest(com.google.protobuf.ByteString.copyFromUtf8(FleetTesting.cellDocument("r/s/t", "pinned", "node: a")
                            + "---\n" + FleetTesting.cellDocument("r/s/t", "core", "nodeSelector: {role: core}") + "---\n"
                            + FleetTesting.cellDocument("r/s/t", "anywhere"))).build());
            placed.getResultsList().forEach(r -> assertEquals("created", r.getOutcome(), r.toString()));
            assertEquals(Map.of("pinned", "a", "core", "b", "anywhere", "c"), placed.getResultsList().stream().collect(
                    java.util.stream.Collectors.toMap(io.kukeon.wire.v1.ApplyResult::getName, r -> r.getObject().getNode())));
            Map<String, RealHost> hosts = Map.of("a", hostA, "b", hostB, "c", hostC);
            for (String cell : List.of("pinned", "core", "anywhere")) {
                for (Map.Entry<String, RealHost> host : hosts.entrySet()) {
                    boolean runsThere = host.getValue().containerd.listContainers(host.getValue().namespace("r")).stream()
                            .anyMatch(o -> cell.equals(o.labels().get("kukeon.io/cell"))
                                    && o.task().status() == io.kukeon.runtime.TaskInfo.Status.RUNNING);
                    boolean placedThere = placed.getResultsList().stream().anyMatch(r -> r.getName().equals(cell)
                            && r.getObject().getNode().equals(host.getKey()));
                    assertEquals(placedThere, runsThere, cell + " runs on " + host.getKey() + " exactly when placed there");
                }
            }

            // b's host "loses" its kukeond: the others down it; its containers run on
            b.kill9();
            // (listed Down while its cells, which restart never, are shown Lost)
            Eventually.value("b unreachable, then downed", Duration.ofSeconds(60),
                    () -> statuses(a.client()).equals(Map.of("a", "Up", "b", "Down", "c", "Up")) ? true : null);
            List<io.kukeon.runtime.ObservedContainer> onB = hostB.containerd.listContainers(hostB.namespace("r"));
            assertTrue(onB.stream().anyMatch(o -> o.task().status() == io.kukeon.runtime.TaskInfo.Status.RUNNING),
                    "b's containers still run: " + onB);
            // started again, b rejoins and adopts its cell
            b.start();
            Eventually.value("b Up again", Duration.ofSeconds(60),
                    () -> statuses(c.client()).equals(Map.of("a", "Up", "b", "Up", "c", "Up")) ? true : null);
            assertEquals("Ready", b.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/web").build())
                    .getObject().getStatus().getState());

            // c is paused past stable-after: downed; resumed, it learns so and stops with exit 1. First every member
            // sees the three Up: paused while a still saw b rejoining, c would split the Up members one to one, and
            // keep-majority would keep c's side (the lowest address) and down a and b
            FleetTesting.allUp(Map.of("a", a.client(), "b", b.client(), "c", c.client()));
            new ProcessBuilder("kill", "-STOP", Long.toString(c.pid())).start().waitFor();
            java.util.concurrent.atomic.AtomicReference<Map<String, String>> seen = new java.util.concurrent.atomic.AtomicReference<>();
            try {
                Eventually.value("c downed", Duration.ofSeconds(60), () -> {
                    seen.set(statuses(a.client()));
                    return seen.get().equals(Map.of("a", "Up", "b", "Up", "c", "Down")) ? true : null;
                });
            } catch (AssertionError e) {
                throw new AssertionError("the nodes as a last listed them: " + seen.get(), e);
            } finally {
                new ProcessBuilder("kill", "-CONT", Long.toString(c.pid())).start().waitFor();
            }
            assertEquals(1, c.awaitExit(Duration.ofSeconds(60)));
            assertTrue(Files.readString(c.log()).contains("the cluster downed this node"), Files.readString(c.log()));
        }
    }

    private record ExecOutcome(String stdout, ExecExit exit) {}

    /** Runs a command in the cell's only container through {@code api}, stdin closed at once. */
    private static ExecOutcome exec(KukeonGrpc.KukeonStub api, String cell, String... command) throws Exception {
        CompletableFuture<ExecExit> exit = new CompletableFuture<>();
        StringBuilder stdout = new StringBuilder();
        StreamObserver<ExecInput> in = api.exec(new StreamObserver<>() {
            @Override
            public void onNext(ExecOutput out) {
                if (out.hasStdout()) {
                    stdout.append(out.getStdout().toStringUtf8());
                } else if (out.hasExit()) {
                    exit.complete(out.getExit());
                }
            }

            @Override
            public void onError(Throwable t) {
                exit.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                exit.completeExceptionally(new IllegalStateException("the exec ended without an exit"));
            }
        });
        in.onNext(ExecInput.newBuilder().setStart(ExecStart.newBuilder().setPath(cell).addAllCommand(List.of(command))).build());
        in.onCompleted();
        ExecExit done = exit.get(30, TimeUnit.SECONDS);
        return new ExecOutcome(stdout.toString(), done);
    }

    private DaemonProcess member(RealHost host, String name, int port, int seed, Path secret, String labels, String memory) {
        Map<String, String> settings = new HashMap<>(host.daemonSettings());
        settings.putAll(FleetTesting.member(name, port, seed, secret));
        settings.put("cluster.labels", labels);
        settings.put("cluster.memory", memory);
        settings.put("cluster.stable-after", STABLE_AFTER);
        return DaemonProcess.kukeond(work.resolve(name), settings);
    }
}
