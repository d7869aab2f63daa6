package io.kukeon.manifest;

import io.kukeon.testing.Specs;
import io.kukeon.model.CellNetworkStatus;
import io.kukeon.model.CellSpec;
import io.kukeon.model.Provenance;
import io.kukeon.model.TemplateRef;
import io.kukeon.model.CellState;
import io.kukeon.model.CellStatus;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.ContainerSecurity;
import io.kukeon.model.SecretRef;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.LevelState;
import io.kukeon.model.LevelStatus;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.Resources;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.SpaceSpec;
import io.kukeon.model.StackSpec;
import io.kukeon.model.TmpfsMount;
import io.kukeon.model.TreeObject;
import io.kukeon.model.VolumeMount;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One object of every kind with every field set, statuses included. */
final class SampleObjects {
    static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    private SampleObjects() {}

    static Resources fullResources() {
        return new Resources(134217728L, 512L, 64L,
                new Resources.Cpu(100L, 50000L, 100000L, "0-1", "0"),
                new Resources.Memory(0L, 1048576L, 100663296L, 134217728L, 0L),
                new Resources.Io(50L, List.of(new Resources.IoLimit("8:0", 1048576L, 2097152L, 100L, 200L),
                        new Resources.IoLimit("8:16", null, null, null, 5L))),
                new Resources.Pids(128L));
    }

    static LevelStatus levelStatus(boolean realm) {
        return new LevelStatus(LevelState.Ready, "Provisioned", "all good",
                new GroupStatus("/kukeon/r", true, List.of("cpu", "memory"),
                        List.of(new GroupStatus.NotApplied("memory.min", "cgroup v1")),
                        new GroupStatus.Usage(1024L, 5L, 3L, 0L)),
                realm ? true : null, realm ? "r.kukeon.io" : null, T0, T0.plusSeconds(5), T0.plusSeconds(2), 4);
    }

    static ContainerStatus containerStatus(String name) {
        return new ContainerStatus(name, "s_st_c_" + name, ContainerState.Error, 4321, 3, T0, T0.plusSeconds(60), 137, 9,
                true, "OOMKilled", "killed", T0.plusSeconds(90), "/var/log/x", "/kukeon/r/s/st/c/x", "busybox", null, null);
    }

    static TreeObject.Realm realm() {
        return new TreeObject.Realm(ObjectPath.of("r"), new Metadata("r", Map.of("env", "prod", "team", "a"), 7),
                new RealmSpec("custom.kukeon.io", List.of(new RegistryCredential("robot", "pw: \"quoted\"", "registry.example.com:5000"),
                        new RegistryCredential("any", "x", "")), fullResources()),
                levelStatus(true));
    }

    static TreeObject.Space space() {
        return new TreeObject.Space(ObjectPath.of("r", "s"), new Metadata("s", Map.of("tier", "db"), Map.of("owner", "db-team@example.com"), 2),
                new SpaceSpec(fullResources(), new io.kukeon.model.EgressPolicy(io.kukeon.model.EgressPolicy.Default.DENY,
                        List.of(io.kukeon.model.EgressPolicy.Target.cidr("10.20.0.0/16", 5432))), "/etc/cni/net.d/db.conflist",
                        new io.kukeon.model.ContainerDefaults("1000:1000", true,
                                new ContainerSecurity.Capabilities(List.of(), List.of("ALL")), List.of("no-new-privileges"),
                                List.of(new TmpfsMount("/tmp", 1L << 20, List.of("noexec"))), fullResources())), levelStatus(false));
    }

    static TreeObject.Stack stack() {
        return new TreeObject.Stack(ObjectPath.of("r", "s", "st"), new Metadata("st", Map.of(), 1),
                new StackSpec(fullResources()), levelStatus(false));
    }

    static ContainerSpec fullContainer(String id, boolean root) {
        Specs.ContainerBuilder c = Specs.container(id).image("docker.io/library/busybox:latest").command("/bin/sh")
                .args("-c", "echo 'yes': no # not a comment", "on", "1.0", "").env("A=1", "B=two words", "EMPTY=")
                .workingDir("/work").user("1000:1000").restart(RestartPolicy.ON_FAILURE).backoffSeconds(3).maxRetries(5)
                .resources(fullResources()).ports("8080:80", "127.0.0.1:5353:53/udp")
                .security(fullSecurity())
                .volumes(VolumeMount.bind("/srv/data", "/data", false, false), VolumeMount.bind("/etc/app", "/config", true, true),
                        VolumeMount.tmpfs("/scratch", 67108864L, 0700),
                        VolumeMount.volume(new io.kukeon.model.VolumeRef("cache", null, null, null), "cells/${CELL_NAME}",
                                "/cache", false),
                        VolumeMount.volume(new io.kukeon.model.VolumeRef("shared", "r", "s", null), null, "/shared", true))
                .tmpfs(new TmpfsMount("/tmp", 16777216L, List.of("noexec", "mode=1777", "uid=1000")),
                        new TmpfsMount("/run/app", 4096L, List.of()))
                .secrets(ContainerSecret.fromEnv("API_TOKEN", "HOST_TOKEN", null),
                        ContainerSecret.fromFile("tls.key", "/etc/kukeon/tls.key", "/run/secrets/tls.key"),
                        new ContainerSecret("DB_PASSWORD", null, null, null, new SecretRef("db", null, null, null, null)),
                        new ContainerSecret("ca.pem", null, null, "/run/secrets/ca.pem",
                                new SecretRef("ca", "default", "default", null, null)))
                .logs(1048576L, 3);
        return root ? c.root().build() : c.build();
    }

    static ContainerSecurity fullSecurity() {
        return new ContainerSecurity(true, new ContainerSecurity.Capabilities(List.of("CAP_NET_ADMIN", "CAP_SYS_TIME"),
                List.of("CAP_NET_RAW")), true, List.of("no-new-privileges=false", "seccomp=/etc/kukeon/seccomp.json"),
                List.of("/dev/fuse", "/dev/net/tun"), true, true);
    }

    static TreeObject.Cell cell() {
        return new TreeObject.Cell(ObjectPath.of("r", "s", "st", "c"), new Metadata("c", Map.of("app", "web"),
                Map.of("kukeon.io/description", "the front end\nserved on: 8080", "empty", ""), 3),
                new CellSpec(List.of(fullContainer("main", true),
                        Specs.container("side").restart(RestartPolicy.ALWAYS).backoffSeconds(1).build()),
                        "main", false, fullResources(), true, new Provenance("config", new TemplateRef("web-prod", "r", "s", "st"),
                        Map.of("IMAGE", "busybox", "GREETING", "hello: world"), List.of("MODE=prod"))),
                new CellStatus(CellState.Degraded, "WorkloadDown", "side is restarting",
                        new GroupStatus("/kukeon/r/s/st/c", true, List.of("pids"), List.of(), null),
                        List.of(containerStatus("main"), containerStatus("side")), true,
                        new CellNetworkStatus("10.88.3.7", 24, "10.88.3.1", "k-1a2b3c4d"), T0, T0, null, 3));
    }

    /** A cell that has not started: no containers running, so no address on its space's network. */
    static TreeObject.Cell pendingCell() {
        return new TreeObject.Cell(ObjectPath.of("r", "s", "st", "idle"), new Metadata("idle", Map.of(), 1),
                new CellSpec(List.of(Specs.container("job").root().hostNetwork().build()), "job", false, null),
                new CellStatus(CellState.Pending, null, null, null, List.of(), false, null, T0, T0, null, 1));
    }

    static TreeObject.Container container() {
        return new TreeObject.Container(ObjectPath.of("r", "s", "st", "c", "extra"), new Metadata("extra", Map.of("x", "y"), 1),
                fullContainer("extra", false), containerStatus("extra"));
    }

    static List<TreeObject> all() {
        return List.of(realm(), space(), stack(), cell(), pendingCell(), container());
    }
}
