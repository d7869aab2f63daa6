package io.kukeon.api;

import io.kukeon.build.BuildInfo;
import io.kukeon.cgroup.CgroupDriverInfo;
import io.kukeon.cgroup.CgroupManager;
import io.kukeon.model.Kind;
import io.kukeon.model.LevelState;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.Sizes;
import io.kukeon.model.TreeObject;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.network.SpaceNetworks;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.runtime.RuntimeHealth;
import io.kukeon.wire.v1.StatusResponse;
import io.kukeon.wire.v1.VersionResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/** What `kuke status` and `kuke version` show: each component (the network too) OK, WARN or FAIL. */
public final class DaemonStatus {
    public static final String API_VERSION = "kukeon.v1";
    /** Spaces named in the network check's detail at most: the line stays short with thousands missing. */
    static final int MAX_NAMED_SPACES = 5;

    private final String version;
    private final Instant started = Instant.now();
    private final JournalQueries journal;
    private final JournalHealth journalHealth;
    private final DataDirSpace dataDir;
    private final ContainerRuntime runtime;
    private final CgroupManager cgroups;
    private final SpaceNetworks networks;
    private final ObjectIndex index;
    private final Executor reads;
    private final MetricsState metrics;

    public DaemonStatus(String version, JournalQueries journal, JournalHealth journalHealth, DataDirSpace dataDir,
                        ContainerRuntime runtime, CgroupManager cgroups, SpaceNetworks networks, ObjectIndex index,
                        Executor reads, MetricsState metrics) {
        this.version = version;
        this.journal = journal;
        this.journalHealth = journalHealth;
        this.dataDir = dataDir;
        this.runtime = runtime;
        this.cgroups = cgroups;
        this.networks = networks;
        this.index = index;
        this.reads = reads;
        this.metrics = metrics;
    }

    /** On the reads pool: asking containerd may take as long as its timeout, and calls are not to wait behind it. */
    CompletionStage<VersionResponse> version() {
        return CompletableFuture.supplyAsync(() -> {
            RuntimeHealth health = runtime.health();
            return VersionResponse.newBuilder().setVersion(version).setCommit(BuildInfo.commit()).setApiVersion(API_VERSION)
                    .setRuntime("containerd")
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
            out.addChecks(journalStoreCheck());
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
            out.addChecks(networkCheck());
            out.addChecks(metrics.check());
            objectChecks(out);
            return out.build();
        }, reads);
    }

    /**
     * FAIL naming the CNI plugins kukeond needs that are not on its plugin path, and the Ready spaces
     * whose bridge is missing (a space being made or deleted may lack it; at most
     * {@link #MAX_NAMED_SPACES} are named).
     */
    private StatusResponse.Check networkCheck() {
        try {
            List<String> problems = new ArrayList<>();
            List<String> plugins = networks.missingPlugins();
            if (!plugins.isEmpty()) {
                problems.add("CNI plugin" + (plugins.size() == 1 ? " " : "s ") + String.join(", ", plugins)
                        + " not found in " + networks.pluginPath());
            }
            List<ObjectPath> spaces = index.list(Kind.SPACE, null, labels -> true).stream()
                    .filter(space -> space.state().equals(LevelState.Ready.name())).map(TreeObject::path).toList();
            List<ObjectPath> missing = networks.missingBridges(spaces);
            if (!missing.isEmpty()) {
                problems.add((missing.size() == 1 ? "missing bridge of space " : "missing bridges of spaces ") + missing.stream().limit(MAX_NAMED_SPACES)
                        .map(space -> space + " (" + SpaceNetwork.bridgeName(SpaceNetwork.networkName(space.realm(), space.name())) + ")")
                        .collect(Collectors.joining(", "))
                        + (missing.size() > MAX_NAMED_SPACES ? " and " + (missing.size() - MAX_NAMED_SPACES) + " more" : ""));
            }
            return problems.isEmpty()
                    ? check("network", "OK", "CNI plugins " + String.join(", ", SpaceNetwork.PLUGINS) + " in " + networks.pluginPath()
                            + ", bridges of " + spaces.size() + " ready space" + (spaces.size() == 1 ? "" : "s") + " there")
                    : check("network", "FAIL", String.join("; ", problems));
        } catch (RuntimeException e) {
            return check("network", "FAIL", e.getMessage());
        }
    }

    /** One line per level: how many of its objects are in each state, e.g. "cells: 3 Ready, 1 Failed"; WARN when one is Failed. */
    private void objectChecks(StatusResponse.Builder out) {
        Map<Kind, SortedMap<String, Integer>> counts = index.countsByState();
        for (Kind kind : Kind.values()) {
            SortedMap<String, Integer> byState = counts.getOrDefault(kind, new TreeMap<>());
            String detail = byState.isEmpty() ? "none" : byState.entrySet().stream()
                    .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
            out.addChecks(check(kind.label() + "s", byState.containsKey("Failed") ? "WARN" : "OK", detail));
        }
    }

    /** FAIL when the journal does not answer, or answers reads while its writes fail (a full disk). */
    private StatusResponse.Check journalCheck() {
        String problem = journalHealth.writeProblem();
        if (problem != null) {
            return check("journal", "FAIL", "the journal cannot write: " + problem);
        }
        String down = journal.queryProblem();
        return down == null ? check("journal", "OK", journalHealth.store() + " answers, last offset " + journal.lastOffset())
                : check("journal", "FAIL", "the journal does not answer: " + down);
    }

    /**
     * Which store holds the journal, how much it takes and how fast it answers: a read timed now (the
     * last offset, through the journal's pool) and the median of its last writes. WARN when it cannot
     * be measured (the journal row says why it fails).
     */
    private StatusResponse.Check journalStoreCheck() {
        if (journalHealth.writeProblem() != null) {   // a store away would make status wait for its timeouts again
            return check(JOURNAL_STORE, "WARN", journalHealth.store() + ": not measured while the journal cannot write");
        }
        try {
            long started = System.nanoTime();
            journal.lastOffset();
            Duration read = Duration.ofNanos(System.nanoTime() - started);
            long size = journalHealth.sizeBytes();
            Duration write = journalHealth.recentWriteLatency();
            return check(JOURNAL_STORE, "OK", journalHealth.store() + ", " + Sizes.of(size) + " in " + journalHealth.sizeOf()
                    + "; read " + millis(read) + ", write " + (write == null ? "none yet"
                    : millis(write) + " (median of the last " + JournalHealth.RECENT_WRITES + " writes)"));
        } catch (java.sql.SQLException | RuntimeException e) {
            return check(JOURNAL_STORE, "WARN", journalHealth.store() + ": cannot measure it: " + e.getMessage());
        }
    }

    static final String JOURNAL_STORE = "journal-store";

    private static String millis(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
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
