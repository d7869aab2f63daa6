package io.kukeon.cli;

import io.kukeon.wire.v1.CellNetworkStatus;
import io.kukeon.wire.v1.CellSpec;
import io.kukeon.wire.v1.ContainerSecret;
import io.kukeon.wire.v1.ContainerSpec;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.EgressPolicy;
import io.kukeon.wire.v1.EgressTarget;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.GroupStatus;
import io.kukeon.wire.v1.Metadata;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.RealmSpec;
import io.kukeon.wire.v1.Resources;
import io.kukeon.wire.v1.SecretInfo;
import io.kukeon.wire.v1.SecretRef;
import io.kukeon.wire.v1.SpaceSpec;
import io.kukeon.wire.v1.Status;
import io.kukeon.wire.v1.VolumeInfo;
import io.kukeon.wire.v1.VolumeMount;
import io.kukeon.wire.v1.VolumeRef;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What kuke describe prints, from objects as the API answers them. */
class DescriptionTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:10:00Z");
    private static final String CELL = "demo/shop/web/api";

    private static final ContainerSpec APP = ContainerSpec.newBuilder().setId("app").setImage("busybox")
            .setCommand("sh").addArgs("-c").addArgs("exit 3").setRestartPolicy("always")
            .setResources(Resources.newBuilder().setMemoryLimitBytes(64L << 20).setPidsLimit(32)
                    .setCpu(Resources.Cpu.newBuilder().setQuotaMicros(50_000)))
            .addPorts("8080:80/tcp")
            .addVolumes(VolumeMount.newBuilder().setKind("volume").setTarget("/data").setReadOnly(true)
                    .setVolumeRef(VolumeRef.newBuilder().setName("cache")))
            .addSecrets(ContainerSecret.newBuilder().setName("DB_PASSWORD").setSecretRef(SecretRef.newBuilder().setName("db")))
            .build();
    private static final ContainerSpec ROOT = ContainerSpec.newBuilder().setId("root").setRoot(true).setImage("busybox").build();

    private static ObjectDoc cell() {
        return ObjectDoc.newBuilder().setKind("Cell").setPath(CELL)
                .setMetadata(Metadata.newBuilder().setName("api").putLabels("tier", "back").putLabels("app", "api"))
                .setCell(CellSpec.newBuilder().addContainers(ROOT).addContainers(APP).setRootContainerId("root"))
                .setStatus(Status.newBuilder().setState("Ready").setCreatedAt("2026-12-06T10:00:00Z")
                        .setReadyAt("2026-12-06T10:01:00Z")
                        .setCgroup(GroupStatus.newBuilder().setPath("/kukeon/demo/shop/web/api")
                                .setUsage(GroupStatus.Usage.newBuilder().setMemoryBytes(3 << 20).setCpuMicros(1_500_000)
                                        .setPids(3).setOomKills(0)))
                        .setNetwork(CellNetworkStatus.newBuilder().setAddress("10.88.1.5").setPrefixLength(24)
                                .setGateway("10.88.1.1").setBridge("k-12345678"))
                        .addContainers(ContainerStatus.newBuilder().setName("root"))
                        .addContainers(ContainerStatus.newBuilder().setName("app")))
                .build();
    }

    private static ObjectDoc container(ContainerSpec spec, ContainerStatus status, String state) {
        return ObjectDoc.newBuilder().setKind("Container").setPath(CELL + "/" + spec.getId()).setContainer(spec)
                .setStatus(Status.newBuilder().setState(state).setContainer(status)).build();
    }

    private static Event event(String path, String type, String summary, String at) {
        return Event.newBuilder().setKind(path.equals(CELL) ? "Cell" : "Container").setPath(path).setType(type)
                .setSummary(summary).setTimestamp(at).build();
    }

    private static final ObjectDoc SPACE = ObjectDoc.newBuilder().setKind("Space").setPath("demo/shop")
            .setSpace(SpaceSpec.newBuilder().setEgress(EgressPolicy.newBuilder().setDefaultAction("deny")
                    .addAllow(EgressTarget.newBuilder().setCidr("10.0.0.0/8").addPorts(443))
                    .addAllow(EgressTarget.newBuilder().setHost("example.com")))).build();

    @Test
    void aCellWithAContainerThatExitedAndRestartedInSections() {
        ObjectDoc root = container(ROOT, ContainerStatus.newBuilder().setName("root").setState("Ready").setPid(100)
                .setStartTime("2026-12-06T10:00:30Z").setImage("docker.io/library/busybox:latest")
                .setUsage(GroupStatus.Usage.newBuilder().setMemoryBytes(1 << 20).setPids(1).setCpuMicros(20_000)
                        .setOomKills(0)).build(), "Ready");
        ObjectDoc app = container(APP, ContainerStatus.newBuilder().setName("app").setState("Ready").setPid(205)
                .setRestartCount(2).setStartTime("2026-12-06T10:09:50Z").setImage("docker.io/library/busybox:latest")
                .setUsage(GroupStatus.Usage.newBuilder().setMemoryBytes(2 << 20).setPids(2).setCpuMicros(250_000)
                        .setOomKills(1)).build(), "Ready");
        List<Event> events = List.of(
                event(CELL, "CellCreated", "created with 2 container(s)", "2026-12-06T10:00:00Z"),
                event(CELL + "/app", "ContainerTaskExited", "exited with code 3", "2026-12-06T10:05:00Z"),
                event(CELL + "/app", "ContainerTaskStarted", "started, pid 201", "2026-12-06T10:05:01Z"),
                event(CELL + "/app", "ContainerTaskExited", "exited with code 137 (OOMKilled)", "2026-12-06T10:09:45Z"),
                event(CELL + "/app", "ContainerTaskStarted", "started, pid 205", "2026-12-06T10:09:50Z"));
        String text = new Description(cell(), List.of(root, app), SPACE, List.of(), List.of(), List.of(), events, 0)
                .render(NOW);
        assertEquals("""
                Name:             api
                Kind:             Cell
                Path:             demo/shop/web/api
                Labels:           app=api, tier=back
                State:            Ready
                Created:          2026-12-06T10:00:00Z (10m ago)
                Ready since:      2026-12-06T10:01:00Z (9m ago)
                Spec:             2 containers; root "root"
                Resources:        <none>
                Cgroup:           /kukeon/demo/shop/web/api, memory 3.0 MiB, cpu 1.50 s, pids 3, OOM kills 0
                Network:
                  Address:        10.88.1.5/24 via 10.88.1.1 on k-12345678
                  Ports:          8080:80/tcp (app)
                  Egress:         deny; allows 10.0.0.0/8 ports 443, example.com (space "shop")
                Containers:
                  root (root):
                    Image:        busybox (docker.io/library/busybox:latest)
                    State:        Ready, pid 100, started 2026-12-06T10:00:30Z (9m ago)
                    Restarts:     0 (policy never)
                    Last exit:    <none>
                    OOM kills:    0
                    Memory:       1.0 MiB of no limit
                    Pids:         1 of no limit
                    CPU:          0.02 s used
                    Volumes:      <none>
                    Secrets:      <none>
                  app:
                    Image:        busybox (docker.io/library/busybox:latest)
                    Command:      sh -c "exit 3"
                    State:        Ready, pid 205, started 2026-12-06T10:09:50Z (10s ago)
                    Restarts:     2 (policy always)
                    Last exit:    exited with code 137 (OOMKilled) at 2026-12-06T10:09:45Z (15s ago)
                    OOM kills:    1
                    Memory:       2.0 MiB of 64.0 MiB
                    Pids:         2 of 32
                    CPU:          0.25 s used, cpu.max 50000/100000 µs
                    Volumes:      /data: volume cache (ro)
                    Secrets:      $DB_PASSWORD from secret db
                Events:
                  TIME                   OBJECT   TYPE                   SUMMARY
                  2026-12-06T10:00:00Z   .        CellCreated            created with 2 container(s)
                  2026-12-06T10:05:00Z   app      ContainerTaskExited    exited with code 3
                  2026-12-06T10:05:01Z   app      ContainerTaskStarted   started, pid 201
                  2026-12-06T10:09:45Z   app      ContainerTaskExited    exited with code 137 (OOMKilled)
                  2026-12-06T10:09:50Z   app      ContainerTaskStarted   started, pid 205
                """, text);
    }

    @Test
    void aContainerThatHasExitedShowsItsOwnExitAndOnlyTheLastTwentyEvents() {
        ObjectDoc app = container(APP, ContainerStatus.newBuilder().setName("app").setState("Error").setRestartCount(5)
                .setExitCode(3).setFinishTime("2026-12-06T10:09:00Z").setReason("BackOff")
                .setNextRestartAt("2026-12-06T10:10:30Z").build(), "Error");
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            events.add(event(CELL + "/app", "ContainerTaskStarted", "started, pid " + (300 + i),
                    "2026-12-06T10:0" + (i / 10) + ":" + (10 + i) + "Z"));
        }
        String text = new Description(app, List.of(app), null, List.of(), List.of(), List.of(), events, 7).render(NOW);
        assertTrue(text.contains("\n    State:        Error\n    Reason:       BackOff\n"
                + "    Restarts:     5 (policy always, next 2026-12-06T10:10:30Z)\n"
                + "    Last exit:    code 3 at 2026-12-06T10:09:00Z (60s ago)\n"
                + "    OOM kills:    -\n    Memory:       - of 64.0 MiB\n    Pids:         - of 32\n"), text);
        assertTrue(text.contains("Events (the last 20; 12 older):\n"), text);
        assertEquals(21, text.lines().dropWhile(l -> !l.startsWith("Events")).skip(1).count(), "a header and 20 events:\n" + text);
        assertTrue(text.contains("started, pid 324"), "the newest is shown");
        assertTrue(!text.contains("started, pid 304\n"), "the oldest are not");
        assertTrue(!text.contains("\nCreated:"), "a container has no time of its own");
    }

    @Test
    void aRealmShowsItsNamespaceChildrenAndWhatItHolds() {
        ObjectDoc realm = ObjectDoc.newBuilder().setKind("Realm").setPath("demo")
                .setMetadata(Metadata.newBuilder().setName("demo"))
                .setRealm(RealmSpec.newBuilder().setResources(Resources.newBuilder().setMemoryLimitBytes(1L << 30)))
                .setStatus(Status.newBuilder().setState("Ready").setNamespace("demo.kukeon.io").setNamespaceReady(true)
                        .setCgroup(GroupStatus.newBuilder().setPath("/kukeon/demo"))).build();
        ObjectDoc shop = ObjectDoc.newBuilder().setKind("Space").setPath("demo/shop")
                .setStatus(Status.newBuilder().setState("Ready")).build();
        String text = new Description(realm, List.of(), null, List.of(shop),
                List.of(SecretInfo.newBuilder().setScope("demo").setName("db").setSizeBytes(17).build()),
                List.of(VolumeInfo.newBuilder().setScope("demo").setName("cache").setReclaimPolicy("Retain")
                        .addUsers("demo/shop/web/api (Ready)").build()), List.of(), 0).render(NOW);
        assertEquals("""
                Name:             demo
                Kind:             Realm
                Path:             demo
                Labels:           <none>
                State:            Ready
                Namespace:        demo.kukeon.io (ready)
                Registry logins:  <none>
                Resources:        memory.max 1.0 GiB
                Cgroup:           /kukeon/demo
                Spaces:           shop (Ready)
                Secrets:          db (17B)
                Volumes:          cache (Retain; used by demo/shop/web/api (Ready))
                Events:
                  <none>
                """, text);
    }

    @Test
    void aPlacedCellSaysItsNodeAndWhatItAskedFor() {
        ObjectDoc cell = ObjectDoc.newBuilder().setKind("Cell").setPath("r/s/st/web").setNode("b")
                .setMetadata(Metadata.newBuilder().setName("web"))
                .setCell(io.kukeon.wire.v1.CellSpec.newBuilder().setNode("b").putNodeSelector("zone", "eu")
                        .putNodeSelector("disk", "ssd").setReschedule(false).addContainers(io.kukeon.wire.v1.ContainerSpec.newBuilder().setId("app")))
                .setStatus(Status.newBuilder().setState("Ready")).build();
        String text = new Description(cell, List.of(), null, List.of(), List.of(), List.of(), List.of(), 0).render(NOW);
        assertTrue(text.contains("\nNode:             b\n"), text);
        assertTrue(text.contains("\nSpec:             1 container; runs on node b; runs on a node labelled disk=ssd,zone=eu;"
                        + " stays with its node when it is downed\n"),
                text);
    }
}
