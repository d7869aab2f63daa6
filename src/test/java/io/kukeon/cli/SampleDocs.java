package io.kukeon.cli;

import io.kukeon.wire.v1.CellNetworkStatus;
import io.kukeon.wire.v1.CellSpec;
import io.kukeon.wire.v1.ContainerSpec;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.GroupStatus;
import io.kukeon.wire.v1.Metadata;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.RealmSpec;
import io.kukeon.wire.v1.RegistryCredential;
import io.kukeon.wire.v1.Resources;
import io.kukeon.wire.v1.SpaceSpec;
import io.kukeon.wire.v1.StackSpec;
import io.kukeon.wire.v1.Status;

import java.time.Instant;
import java.util.List;

/** API objects as kukeond sends them, for rendering tests. Ages are relative to {@link #NOW}. */
final class SampleDocs {
    static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private SampleDocs() {}

    private static String ago(long seconds) {
        return NOW.minusSeconds(seconds).toString();
    }

    private static Metadata meta(String name, long generation, String... labels) {
        Metadata.Builder m = Metadata.newBuilder().setName(name).setGeneration(generation);
        for (int i = 0; i < labels.length; i += 2) {
            m.putLabels(labels[i], labels[i + 1]);
        }
        return m.build();
    }

    private static Status level(String state, String cgroup, long age) {
        return Status.newBuilder().setState(state).setCreatedAt(ago(age)).setUpdatedAt(ago(age / 2))
                .setCgroup(GroupStatus.newBuilder().setPath(cgroup).setReady(true).addControllers("cpu").addControllers("memory"))
                .setObservedGeneration(1).build();
    }

    static List<ObjectDoc> realms() {
        return List.of(
                ObjectDoc.newBuilder().setKind("Realm").setPath("default").setMetadata(meta("default", 1))
                        .setRealm(RealmSpec.getDefaultInstance())
                        .setStatus(level("Ready", "/kukeon/default", 3 * 86400).toBuilder().setNamespaceReady(true)
                                .setNamespace("default.kukeon.io")).build(),
                ObjectDoc.newBuilder().setKind("Realm").setPath("private").setMetadata(meta("private", 2, "owner", "platform"))
                        .setRealm(RealmSpec.newBuilder().setNamespace("private.example.io").addRegistryCredentials(
                                RegistryCredential.newBuilder().setUsername("robot").setPassword("<redacted>")
                                        .setServerAddress("registry.example.com:5000")))
                        .setStatus(level("Failed", "/kukeon/private", 4000).toBuilder().setReason("NamespaceFailed")
                                .setMessage("containerd: permission denied").setNamespaceReady(false)
                                .setNamespace("private.example.io")).build());
    }

    static List<ObjectDoc> spaces() {
        return List.of(ObjectDoc.newBuilder().setKind("Space").setPath("default/default").setMetadata(meta("default", 1))
                .setSpace(SpaceSpec.newBuilder().setResources(Resources.newBuilder().setPidsLimit(4096)))
                .setStatus(level("Ready", "/kukeon/default/default", 90)).build());
    }

    static List<ObjectDoc> stacks() {
        return List.of(ObjectDoc.newBuilder().setKind("Stack").setPath("default/default/default").setMetadata(meta("default", 1))
                .setStack(StackSpec.getDefaultInstance())
                .setStatus(level("Pending", "/kukeon/default/default/default", 30)).build());
    }

    private static ContainerStatus container(String name, String state, int restarts, Integer exit, int pid) {
        ContainerStatus.Builder b = ContainerStatus.newBuilder().setName(name).setContainerdId("default_default_hello-world_" + name)
                .setState(state).setRestartCount(restarts).setPid(pid).setStartTime(ago(600))
                .setImage("docker.io/library/busybox:latest");
        if (exit != null) {
            b.setExitCode(exit).setFinishTime(ago(5));
        }
        return b.build();
    }

    static ContainerSpec web() {
        return ContainerSpec.newBuilder().setId("web").setImage("docker.io/library/busybox:latest").setCommand("/bin/sh")
                .addArgs("-c").addArgs("mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www")
                .setRestartPolicy("on-failure").setRestartMaxRetries(5)
                .setResources(Resources.newBuilder().setMemoryLimitBytes(67108864)).build();
    }

    static ContainerSpec fetch() {
        return ContainerSpec.newBuilder().setId("fetch").setImage("docker.io/library/busybox:latest").setCommand("/bin/sh")
                .addArgs("-c").addArgs("while true; do wget -qO- http://127.0.0.1:8080/; sleep 3; done")
                .setRestartPolicy("always").build();
    }

    static ContainerSpec root() {
        return ContainerSpec.newBuilder().setId("root").setRoot(true).setImage("docker.io/library/busybox:latest")
                .setCommand("/bin/sh").addArgs("-c").addArgs("trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done")
                .build();
    }

    static List<ObjectDoc> cells() {
        return List.of(
                ObjectDoc.newBuilder().setKind("Cell").setPath("default/default/default/hello-world")
                        .setMetadata(meta("hello-world", 3, "app", "hello-world"))
                        .setCell(CellSpec.newBuilder().addContainers(web()).addContainers(fetch()).addContainers(root())
                                .setRootContainerId("root"))
                        .setStatus(Status.newBuilder().setState("Degraded").setReason("WorkloadDown")
                                .setMessage("fetch is waiting to restart").setCreatedAt(ago(7200)).setReadyAt(ago(7190))
                                .setCgroup(GroupStatus.newBuilder().setPath("/kukeon/default/default/default/hello-world").setReady(true))
                                .addContainers(container("web", "Ready", 0, null, 4242))
                                .addContainers(container("fetch", "Error", 2, 1, 0))
                                .addContainers(container("root", "Ready", 0, null, 4200))
                                .setNetwork(CellNetworkStatus.newBuilder().setAddress("10.88.0.2").setPrefixLength(24)
                                        .setGateway("10.88.0.1").setBridge("k-5b8e36a1"))
                                .setReadyObserved(true).setObservedGeneration(3)).build(),
                ObjectDoc.newBuilder().setKind("Cell").setPath("default/default/default/batch")
                        .setMetadata(meta("batch", 1))
                        .setCell(CellSpec.newBuilder().addContainers(ContainerSpec.newBuilder().setId("job").setRoot(true)
                                .setImage("busybox")).setRootContainerId("job"))
                        .setStatus(Status.newBuilder().setState("Pending").setCreatedAt(ago(45))).build());
    }

    static List<ObjectDoc> containers() {
        return List.of(
                ObjectDoc.newBuilder().setKind("Container").setPath("default/default/default/hello-world/web")
                        .setMetadata(meta("web", 3)).setContainer(web())
                        .setStatus(Status.newBuilder().setState("Ready").setContainer(container("web", "Ready", 0, null, 4242)))
                        .build(),
                ObjectDoc.newBuilder().setKind("Container").setPath("default/default/default/hello-world/fetch")
                        .setMetadata(meta("fetch", 3)).setContainer(fetch())
                        .setStatus(Status.newBuilder().setState("Error").setContainer(container("fetch", "Error", 12, 1, 0)))
                        .build());
    }
}
