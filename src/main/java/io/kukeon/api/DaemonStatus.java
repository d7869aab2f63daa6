package io.kukeon.api;

import io.kukeon.cgroup.CgroupDriverInfo;
import io.kukeon.cgroup.CgroupManager;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.runtime.RuntimeHealth;
import io.kukeon.wire.v1.StatusResponse;
import io.kukeon.wire.v1.VersionResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** What `kuke status` and `kuke version` show: each component OK, WARN or FAIL. */
public final class DaemonStatus {
    public static final String API_VERSION = "kukeon.v1";

    private final String version;
    private final Instant started = Instant.now();
    private final JournalQueries journal;
    private final ContainerRuntime runtime;
    private final CgroupManager cgroups;
    private final Executor reads;

    public DaemonStatus(String version, JournalQueries journal, ContainerRuntime runtime, CgroupManager cgroups,
                        Executor reads) {
        this.version = version;
        this.journal = journal;
        this.runtime = runtime;
        this.cgroups = cgroups;
        this.reads = reads;
    }

    VersionResponse version() {
        RuntimeHealth health = runtime.health();
        return VersionResponse.newBuilder().setVersion(version).setApiVersion(API_VERSION).setRuntime("containerd")
                .setRuntimeVersion(health.available() && health.version() != null ? health.version() : "unavailable")
                .build();
    }

    CompletionStage<StatusResponse> checks() {
        return CompletableFuture.supplyAsync(() -> {
            StatusResponse.Builder out = StatusResponse.newBuilder();
            out.addChecks(check("daemon", "OK", "kukeond " + version + ", up "
                    + Duration.between(started, Instant.now()).toSeconds() + " s"));
            out.addChecks(journal.isUp() ? check("journal", "OK", "H2 journal answers, last offset " + journal.lastOffset())
                    : check("journal", "FAIL", "the journal does not answer"));
            RuntimeHealth health = runtime.health();
            out.addChecks(health.available() ? check("containerd", "OK", "containerd " + health.version())
                    : check("containerd", "FAIL", "containerd unavailable: " + health.reason()));
            try {
                CgroupDriverInfo info = cgroups.info();
                out.addChecks(check("cgroups", info.controllers().isEmpty() ? "WARN" : "OK", info.driver() + " at "
                        + info.mountpoint() + ", root " + info.root() + ", controllers " + String.join(",", info.controllers())));
            } catch (RuntimeException e) {
                out.addChecks(check("cgroups", "FAIL", e.getMessage()));
            }
            return out.build();
        }, reads);
    }

    public boolean journalUp() {
        return journal.isUp();
    }

    public RuntimeHealth runtimeHealth() {
        return runtime.health();
    }

    private static StatusResponse.Check check(String name, String level, String detail) {
        return StatusResponse.Check.newBuilder().setName(name).setLevel(level).setDetail(detail).build();
    }
}
