package io.kukeon.metrics;

import io.kukeon.model.CellState;
import io.kukeon.model.ContainerState;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.HostIds;
import io.kukeon.model.Kind;
import io.kukeon.model.LevelState;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.runtime.ContainerRuntime;
import io.kukeon.supervisor.ObjectIndex;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The tree's figures, read at scrape time: objects by level and state from the object index, and
 * per container its state and restarts (index) and its cgroup usage, read from containerd as
 * {@code kuke top} reads it, off the actors, on the reads pool and within {@link #USAGE_TIME_LIMIT}:
 * a container whose reading is late or fails is left out of the usage figures of that scrape.
 */
public final class TreeMetrics implements MultiCollector {
    /** Containers whose usage one scrape reads at most; the others still have their state and restarts. */
    static final int MAX_USAGE_READS = 1000;
    static final Duration USAGE_TIME_LIMIT = Duration.ofSeconds(5);
    static final List<String> CONTAINER_LABELS = List.of("realm", "space", "stack", "cell", "container");

    private final ObjectIndex index;
    private final HostIds ids;
    private final ContainerRuntime runtime;
    private final Executor reads;

    public TreeMetrics(ObjectIndex index, HostIds ids, ContainerRuntime runtime, Executor reads) {
        this.index = index;
        this.ids = ids;
        this.runtime = runtime;
        this.reads = reads;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        out.add(objectCounts(index.countsByState()));
        List<TreeObject.Container> containers = index.list(Kind.CONTAINER, null, labels -> true).stream()
                .map(TreeObject.Container.class::cast).toList();
        if (!containers.isEmpty()) {
            out.addAll(containerFigures(containers, readUsage(containers)));
        }
        return new MetricSnapshots(out);
    }

    /** {@code kukeon_objects{level,state}}: every state of every level, 0 where none is in it. */
    static GaugeSnapshot objectCounts(Map<Kind, SortedMap<String, Integer>> counts) {
        GaugeSnapshot.Builder objects = GaugeSnapshot.builder().name("kukeon_objects")
                .help("Objects of each level of the tree, by state");
        for (Kind kind : Kind.values()) {
            Map<String, Integer> byState = counts.getOrDefault(kind, new TreeMap<>());
            for (String state : statesOf(kind)) {
                objects.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("level", kind.label(), "state", state)).value(byState.getOrDefault(state, 0)).build());
            }
        }
        return objects.build();
    }

    private static List<String> statesOf(Kind kind) {
        Enum<?>[] states = switch (kind) {
            case CELL -> CellState.values();
            case CONTAINER -> ContainerState.values();
            default -> LevelState.values();
        };
        return Arrays.stream(states).map(Enum::name).toList();
    }

    static List<MetricSnapshot> containerFigures(List<TreeObject.Container> containers,
                                                 Map<ObjectPath, GroupStatus.Usage> usage) {
        GaugeSnapshot.Builder state = GaugeSnapshot.builder().name("kukeon_container_state")
                .help("1 for the state the container is in, 0 for the others");
        CounterSnapshot.Builder restarts = CounterSnapshot.builder().name("kukeon_container_restarts")
                .help("Times kukeon restarted the container after it exited");
        for (TreeObject.Container c : containers) {
            Labels labels = labelsOf(c.path());
            for (ContainerState s : ContainerState.values()) {
                state.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels.add("state", s.name()))
                        .value(c.status().state() == s ? 1 : 0).build());
            }
            restarts.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels)
                    .value(c.status().restartCount()).build());
        }
        List<MetricSnapshot> out = new ArrayList<>(List.of(state.build(), restarts.build()));
        if (!usage.isEmpty()) {
            out.add(counter("kukeon_container_cpu_seconds", "CPU time the container's task has used since it started",
                    usage, u -> u.cpuMicros() == null ? null : u.cpuMicros() / 1e6));
            out.add(gauge("kukeon_container_memory_bytes", "Memory the container's cgroup uses",
                    usage, u -> u.memoryBytes() == null ? null : u.memoryBytes().doubleValue()));
            out.add(gauge("kukeon_container_memory_limit_bytes", "The container's memory limit (absent: none)",
                    usage, u -> u.memoryLimitBytes() == null ? null : u.memoryLimitBytes().doubleValue()));
            out.add(gauge("kukeon_container_pids", "Processes and threads in the container's cgroup",
                    usage, u -> u.pids() == null ? null : u.pids().doubleValue()));
            out.add(counter("kukeon_container_oom_kills", "Processes the kernel's OOM killer ended in the container's cgroup"
                    + " since its task started", usage, u -> u.oomKills() == null ? null : u.oomKills().doubleValue()));
        }
        return out;
    }

    static Labels labelsOf(ObjectPath container) {
        return Labels.of(CONTAINER_LABELS, container.segments());
    }

    private static GaugeSnapshot gauge(String name, String help, Map<ObjectPath, GroupStatus.Usage> usage,
                                       Function<GroupStatus.Usage, Double> figure) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        eachFigure(usage, figure, (labels, v) -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(v).build()));
        return b.build();
    }

    private static CounterSnapshot counter(String name, String help, Map<ObjectPath, GroupStatus.Usage> usage,
                                           Function<GroupStatus.Usage, Double> figure) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        eachFigure(usage, figure, (labels, v) -> b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(v).build()));
        return b.build();
    }

    /** Each container's figure, where its reading has one. */
    private static void eachFigure(Map<ObjectPath, GroupStatus.Usage> usage, Function<GroupStatus.Usage, Double> figure,
                                   BiConsumer<Labels, Double> point) {
        usage.forEach((path, u) -> Optional.ofNullable(figure.apply(u)).ifPresent(v -> point.accept(labelsOf(path), v)));
    }

    /** The usage of the running containers (at most {@link #MAX_USAGE_READS}) whose reading came within the time limit. */
    private Map<ObjectPath, GroupStatus.Usage> readUsage(List<TreeObject.Container> containers) {
        long deadline = System.nanoTime() + USAGE_TIME_LIMIT.toNanos();
        Map<ObjectPath, CompletableFuture<GroupStatus.Usage>> readings = new HashMap<>();
        Map<String, Optional<String>> namespaces = new HashMap<>();
        for (TreeObject.Container c : containers) {
            if (readings.size() >= MAX_USAGE_READS) {
                break;
            }
            String id = c.status().containerdId();
            Optional<String> namespace = namespaces.computeIfAbsent(c.path().realm(), this::namespaceOf);
            if (!c.status().state().isActive() || id == null || namespace.isEmpty()) {
                continue;
            }
            readings.put(c.path(), CompletableFuture.supplyAsync(
                    // a reading that waited in the pool past the limit is not made at all
                    () -> System.nanoTime() < deadline ? runtime.metrics(namespace.get(), id) : null, reads));
        }
        try {
            CompletableFuture.allOf(readings.values().toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception lateOrFailed) {
            // what came in time is shown; the rest is left out of this scrape
        }
        Map<ObjectPath, GroupStatus.Usage> usage = new HashMap<>();
        readings.forEach((path, reading) -> {
            if (reading.isDone() && !reading.isCompletedExceptionally() && reading.getNow(null) != null) {
                usage.put(path, reading.getNow(null));
            }
        });
        return usage;
    }

    private Optional<String> namespaceOf(String realm) {
        return index.get(ObjectPath.of(realm)).filter(TreeObject.Realm.class::isInstance).map(TreeObject.Realm.class::cast)
                .map(r -> r.spec().namespaceOn(ids, realm));
    }
}
