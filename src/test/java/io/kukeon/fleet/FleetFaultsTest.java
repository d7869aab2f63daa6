package io.kukeon.fleet;

import io.kukeon.api.Docs;
import io.kukeon.model.ContainerSpec;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.LifecycleRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.kukeon.fleet.FleetTesting.byName;
import static io.kukeon.fleet.FleetTesting.freePort;
import static io.kukeon.fleet.FleetTesting.secret;
import static io.kukeon.fleet.FleetTesting.statuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three kukeond processes on the test containerd, each with its own data dir, cgroup root and
 * namespace suffix, as one cluster on 127.0.0.1: a node killed with -9 is downed by the others
 * while its containers run on, and rejoins when started again, adopting them; a node paused past
 * stable-after is downed, and when it resumes it stops with exit 1 saying so.
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
             DaemonProcess a = member(hostA, "a", seed, seed, secret);
             DaemonProcess b = member(hostB, "b", freePort(), seed, secret);
             DaemonProcess c = member(hostC, "c", freePort(), seed, secret)) {
            a.start();
            b.start();
            c.start();
            for (DaemonProcess d : List.of(a, b, c)) {
                Eventually.value("three nodes Up", Duration.ofSeconds(60), () -> statuses(d.client()).equals(
                        Map.of("a", "Up", "b", "Up", "c", "Up")) ? true : null);
            }
            Docs.createStack(b.client(), "r/s/t");
            BusyboxUpload.into(b.asyncClient(), "r");
            b.client().create(CreateRequest.newBuilder().setObject(Docs.cell("r/s/t/web", Map.of(),
                    ContainerSpec.of("app", "docker.io/library/busybox:latest", "sleep", List.of("1000")))).build());
            b.client().start(LifecycleRequest.newBuilder().setKind("Cell").setPath("r/s/t/web").build());
            assertEquals("Ready", Docs.judged(b.client(), "r/s/t/web").getStatus().getState());
            Eventually.value("b's cell seen from a", Duration.ofSeconds(30), () -> byName(a.client(), "b").getCells() == 1 ? true : null);

            // b's host "loses" its kukeond: the others down it; its containers run on
            b.kill9();
            Eventually.value("b unreachable, then downed and gone", Duration.ofSeconds(60),
                    () -> statuses(a.client()).equals(Map.of("a", "Up", "c", "Up")) ? true : null);
            List<io.kukeon.runtime.ObservedContainer> onB = hostB.containerd.listContainers(hostB.namespace("r"));
            assertTrue(onB.stream().anyMatch(o -> o.task().status() == io.kukeon.runtime.TaskInfo.Status.RUNNING),
                    "b's containers still run: " + onB);
            // started again, b rejoins and adopts its cell
            b.start();
            Eventually.value("b Up again", Duration.ofSeconds(60),
                    () -> statuses(c.client()).equals(Map.of("a", "Up", "b", "Up", "c", "Up")) ? true : null);
            assertEquals("Ready", b.client().get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/web").build())
                    .getObject().getStatus().getState());

            // c is paused past stable-after: downed; resumed, it learns so and stops with exit 1
            new ProcessBuilder("kill", "-STOP", Long.toString(c.pid())).start().waitFor();
            try {
                Eventually.value("c downed", Duration.ofSeconds(60),
                        () -> statuses(a.client()).equals(Map.of("a", "Up", "b", "Up")) ? true : null);
            } finally {
                new ProcessBuilder("kill", "-CONT", Long.toString(c.pid())).start().waitFor();
            }
            assertEquals(1, c.awaitExit(Duration.ofSeconds(60)));
            assertTrue(Files.readString(c.log()).contains("the cluster downed this node"), Files.readString(c.log()));
        }
    }

    private DaemonProcess member(RealHost host, String name, int port, int seed, Path secret) {
        Map<String, String> settings = new HashMap<>(host.daemonSettings());
        settings.put("cluster.node-name", name);
        settings.put("cluster.listen", "127.0.0.1:" + port);
        settings.put("cluster.seeds", "127.0.0.1:" + seed);
        settings.put("cluster.secret-file", secret.toString());
        settings.put("cluster.stable-after", STABLE_AFTER);
        return DaemonProcess.kukeond(work.resolve(name), settings);
    }
}
