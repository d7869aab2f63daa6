package io.kukeon.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.model.Kind;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.Sizes;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.GroupStatus;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ObjectDoc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Live figures of cells or containers from their cgroups (each Get reads its object's usage): CPU %
 * from two readings of the CPU time, as {@code docker stats} (100% = one core busy), memory against
 * the group's limit, pids, block I/O and restarts; {@code -w} reads again every 2 s.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = {"Show the CPU, memory, pids, block I/O and restarts of cells or containers, busiest first.",
                "CPU %% is measured over a second (100%% = one core); every realm, space and stack unless a scope flag narrows it."},
        footer = {"%nExamples:",
                "  # every cell, busiest first",
                "  kuke top",
                "  # the containers of realm demo by memory, refreshed every 2 s",
                "  kuke top containers --realm demo --sort memory -w",
                "  # the busiest cell's path",
                "  kuke top -o jsonpath='{.items[0].path}'"})
final class TopCommand extends DaemonCommand {
    /** The gap between the two readings of CPU time. */
    static final Duration SAMPLE_GAP = Duration.ofSeconds(1);
    static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);
    /** Each object is one Get per reading: a bigger scope is narrowed with the scope flags. */
    static final int MAX_OBJECTS = 500;

    enum Sort { cpu, memory, name }

    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", converter = KindName.class,
            description = "cells (default) or containers.")
    Kind kind;

    @Option(names = "--sort", defaultValue = "cpu", paramLabel = "KEY",
            description = "cpu, memory or name (default: ${DEFAULT-VALUE}); cpu and memory put the largest first.")
    Sort sort;

    @Option(names = {"-w", "--watch"}, description = "Read and print again every 2 s until interrupted (in place on a terminal).")
    boolean watch;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", converter = Output.Parse.class,
            description = "table, yaml, json, name or jsonpath=TEMPLATE; each object a record (default: ${DEFAULT-VALUE}).")
    Output output;

    @Mixin
    Scope scope;

    @Option(names = "--cell", paramLabel = "CELL", description = "For containers: only this cell's.")
    String cell;

    private ScopeFilter filter;

    /** One object's figures at one moment ({@code nanos}: {@link System#nanoTime()}). */
    record Reading(ObjectDoc doc, GroupStatus.Usage usage, int restarts, long nanos) {}

    /** What a row shows; null where the figure is unknown (e.g. a stopped container has no usage). */
    record Figures(String path, Double cpuPercent, Long memoryBytes, Long memoryLimitBytes, Long pids,
                   Long blockReadBytes, Long blockWriteBytes, int restarts) {}

    @Override
    void validate() {
        if (kind == null) {
            kind = Kind.CELL;
        }
        if (kind != Kind.CELL && kind != Kind.CONTAINER) {
            throw usage("top shows cells or containers, not " + kind.label() + "s");
        }
        filter = scope.filter(cell);
        String deepest = filter.deepestFlag();
        if (deepest != null && ScopeFilter.FLAGS.indexOf(deepest) > kind.depth()) {
            throw usage(deepest + " does not narrow a list of " + kind.label() + "s");
        }
    }

    @Override
    int run(DaemonConnection daemon) throws InterruptedException {
        Map<String, Reading> before = read(daemon);
        Thread.sleep(SAMPLE_GAP.toMillis());
        boolean inPlace = watch && !output.documents() && System.console() != null;
        while (true) {
            Map<String, Reading> after = read(daemon);
            List<Figures> rows = sorted(figures(before, after));
            String shown = Printed.render(output, rows.stream().map(this::item).toList(), false, () -> table(rows));
            // home, clear: the new table replaces the old one in place
            out().print(inPlace ? "\033[H\033[2J" + shown : shown);
            out().flush();
            if (!watch) {
                return 0;
            }
            if (!inPlace && !output.documents()) {
                out().println();
            }
            before = after;
            Thread.sleep(WATCH_INTERVAL.toMillis());
        }
    }

    /** A Get of each object in scope (a Get carries live usage); one deleted in between is left out. */
    private Map<String, Reading> read(DaemonConnection daemon) {
        List<ObjectDoc> listed = daemon.listAll(ListRequest.newBuilder().setKind(kind.displayName())
                .setParent(filter.prefix(kind.depth())).build()).stream().filter(d -> filter.matches(d.getPath())).toList();
        if (listed.size() > MAX_OBJECTS) {
            throw new ResourceExhaustedException(listed.size() + " " + kind.label() + "s are more than top reads (" + MAX_OBJECTS
                    + "): narrow them with --realm, --space or --stack");
        }
        Map<String, Reading> readings = new LinkedHashMap<>();
        for (ObjectDoc d : listed) {
            ObjectDoc doc;
            try {
                doc = daemon.calls().get(GetRequest.newBuilder().setKind(kind.displayName()).setPath(d.getPath()).build()).getObject();
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                    continue;
                }
                throw e;
            }
            long now = System.nanoTime();
            if (kind == Kind.CELL) {
                GroupStatus g = doc.getStatus().getCgroup();
                readings.put(d.getPath(), new Reading(doc, g.hasUsage() ? g.getUsage() : null, doc.getStatus().getContainersList()
                        .stream().mapToInt(ContainerStatus::getRestartCount).sum(), now));
            } else {
                ContainerStatus c = doc.getStatus().getContainer();
                readings.put(d.getPath(), new Reading(doc, c.hasUsage() ? c.getUsage() : null, c.getRestartCount(), now));
            }
        }
        return readings;
    }

    /** The second reading's figures, with CPU % from the CPU time spent between the two. */
    static List<Figures> figures(Map<String, Reading> before, Map<String, Reading> after) {
        List<Figures> rows = new ArrayList<>();
        after.forEach((path, b) -> {
            GroupStatus.Usage u = b.usage();
            Reading a = before.get(path);
            Double cpu = null;
            if (u != null && u.hasCpuMicros() && a != null && a.usage() != null && a.usage().hasCpuMicros() && b.nanos() > a.nanos()) {
                // a restarted container starts counting again: its time since then is all we know
                long spent = u.getCpuMicros() >= a.usage().getCpuMicros() ? u.getCpuMicros() - a.usage().getCpuMicros()
                        : u.getCpuMicros();
                cpu = spent * 100_000.0 / (b.nanos() - a.nanos());
            }
            rows.add(u == null ? new Figures(path, null, null, null, null, null, null, b.restarts())
                    : new Figures(path, cpu, u.hasMemoryBytes() ? u.getMemoryBytes() : null,
                    u.hasMemoryLimitBytes() ? u.getMemoryLimitBytes() : null, u.hasPids() ? u.getPids() : null,
                    u.hasBlockReadBytes() ? u.getBlockReadBytes() : null,
                    u.hasBlockWriteBytes() ? u.getBlockWriteBytes() : null, b.restarts()));
        });
        return rows;
    }

    List<Figures> sorted(List<Figures> rows) {
        Comparator<Figures> byName = Comparator.comparing(Figures::path);
        Comparator<Figures> order = switch (sort) {
            case cpu -> Comparator.comparing(Figures::cpuPercent, Comparator.nullsLast(Comparator.reverseOrder()));
            case memory -> Comparator.comparing(Figures::memoryBytes, Comparator.nullsLast(Comparator.reverseOrder()));
            case name -> byName;
        };
        return rows.stream().sorted(order.thenComparing(byName)).toList();
    }

    private String table(List<Figures> rows) {
        if (rows.isEmpty()) {
            return "No " + kind.label() + "s found" + filter.where() + ".\n";
        }
        Table t = new Table(List.of(kind == Kind.CELL ? "CELL" : "CONTAINER", "CPU %", "MEM USAGE / LIMIT", "PIDS",
                "BLOCK I/O", "RESTARTS"));
        for (Figures f : rows) {
            t.add(List.of(f.path(), f.cpuPercent() == null ? "-" : String.format(Locale.ROOT, "%.1f%%", f.cpuPercent()),
                    f.memoryBytes() == null ? "-" : Sizes.of(f.memoryBytes()) + " / "
                            + (f.memoryLimitBytes() == null ? "no limit" : Sizes.of(f.memoryLimitBytes())),
                    f.pids() == null ? "-" : f.pids().toString(),
                    f.blockReadBytes() == null ? "-" : Sizes.of(f.blockReadBytes()) + " / " + Sizes.of(f.blockWriteBytes()),
                    Integer.toString(f.restarts())));
        }
        return t.render();
    }

    /** {@code cell/r/s/st/web} and its figures; an unknown figure is left out. */
    private Printed.Item item(Figures f) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("kind", kind.displayName());
        doc.put("path", f.path());
        if (f.cpuPercent() != null) {
            doc.put("cpuPercent", Math.round(f.cpuPercent() * 10) / 10.0);
        }
        putKnown(doc, "memoryBytes", f.memoryBytes());
        putKnown(doc, "memoryLimitBytes", f.memoryLimitBytes());
        putKnown(doc, "pids", f.pids());
        putKnown(doc, "blockReadBytes", f.blockReadBytes());
        putKnown(doc, "blockWriteBytes", f.blockWriteBytes());
        doc.put("restarts", f.restarts());
        return new Printed.Item(kind.label() + "/" + f.path(), doc);
    }

    private static void putKnown(Map<String, Object> doc, String key, Long value) {
        if (value != null) {
            doc.put(key, value);
        }
    }
}
