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
    private final JournalHealth journalHealth;
    private final DataDirSpace dataDir;
    private final ContainerRuntime runtime;
    private final CgroupManager cgroups;
    private final Executor reads;

    public DaemonStatus(String version, JournalQueries journal, JournalHealth journalHealth, DataDirSpace dataDir,
                        ContainerRuntime runtime, CgroupManager cgroups, Executor reads) {
        this.version = version;
        this.journal = journal;
        this.journalHealth = journalHealth;
        this.dataDir = dataDir;
        this.runtime = runtime;
        this.cgroups = cgroups;
        this.reads = reads;
    }

    /** On the reads pool: asking containerd may take as long as its timeout, and calls are not to wait behind it. */
    CompletionStage<VersionResponse> version() {
        return CompletableFuture.supplyAsync(() -> {
            RuntimeHealth health = runtime.health();
            return VersionResponse.newBuilder().setVersion(version).setApiVersion(API_VERSION).setRuntime("containerd")
                    .setRuntimeVersion(health.available() && health.version() != null ? health.version() : "unavailable")
                    .build();
        }, reads);
    }

    CompletionStage<StatusResponse> checks() {
        return CompletableFuture.supplyAsync(() -> {
            StatusResponse.Builder out = StatusResponse.newBuilder();
            out.addChecks(check("daemon", "OK", "kukeond " + version + ", up "
                    + Duration.between(started, Instant.now()).toSeconds() + " s"));
            out.addChecks(journalCheck());
            out.addChecks(dataDir.check());
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

    /** FAIL when the journal does not answer, or answers reads while its writes fail (a full disk). */
    private StatusResponse.Check journalCheck() {
        String problem = journalHealth.writeProblem();
        if (problem != null) {
            return check("journal", "FAIL", "the journal cannot write: " + problem);
        }
        String down = journal.queryProblem();
        return down == null ? check("journal", "OK", "H2 journal answers, last offset " + journal.lastOffset())
                : check("journal", "FAIL", "the journal does not answer: " + down);
    }

    /** Whether the journal both answers and takes writes. */
    public boolean journalWrites() {
        return journalHealth.writeProblem() == null && journal.queryProblem() == null;
    }

    public RuntimeHealth runtimeHealth() {
        return runtime.health();
    }

    static StatusResponse.Check check(String name, String level, String detail) {
        return StatusResponse.Check.newBuilder().setName(name).setLevel(level).setDetail(detail).build();
    }
}
