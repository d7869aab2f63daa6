package io.kukeon.wire;

import io.kukeon.model.CellNetworkStatus;
import io.kukeon.model.CellState;
import io.kukeon.model.CellStatus;
import io.kukeon.model.TemplateSync;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.LevelState;
import io.kukeon.model.LevelStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.kukeon.wire.ResourcesMapping.blankToNull;
import static io.kukeon.wire.ResourcesMapping.nz;

/** Statuses ⇄ protobuf. Times travel as RFC 3339 strings, empty when unset. */
public final class StatusMapping {
    private StatusMapping() {}

    public static io.kukeon.wire.v1.Status toProto(LevelStatus s) {
        var b = io.kukeon.wire.v1.Status.newBuilder().setState(s.state().name()).setReason(nz(s.reason()))
                .setMessage(nz(s.message())).setCreatedAt(time(s.createdAt())).setUpdatedAt(time(s.updatedAt()))
                .setReadyAt(time(s.readyAt())).setObservedGeneration(s.observedGeneration());
        if (s.cgroup() != null) b.setCgroup(toProto(s.cgroup()));
        if (s.namespaceReady() != null) b.setNamespaceReady(s.namespaceReady());
        if (s.namespace() != null) b.setNamespace(s.namespace());
        return b.build();
    }

    public static LevelStatus levelFromProto(io.kukeon.wire.v1.Status p) {
        return new LevelStatus(LevelState.valueOf(p.getState()), blankToNull(p.getReason()), blankToNull(p.getMessage()),
                p.hasCgroup() ? fromProto(p.getCgroup()) : null, p.hasNamespaceReady() ? p.getNamespaceReady() : null,
                blankToNull(p.getNamespace()), instant(p.getCreatedAt()), instant(p.getUpdatedAt()), instant(p.getReadyAt()), p.getObservedGeneration());
    }

    public static io.kukeon.wire.v1.Status toProto(CellStatus s) {
        var b = io.kukeon.wire.v1.Status.newBuilder().setState(s.state().name()).setReason(nz(s.reason()))
                .setMessage(nz(s.message())).setReadyObserved(s.readyObserved()).setCreatedAt(time(s.createdAt()))
                .setUpdatedAt(time(s.updatedAt())).setReadyAt(time(s.readyAt()))
                .setObservedGeneration(s.observedGeneration()).setBringUpDue(time(s.bringUpDue()));
        if (s.cgroup() != null) b.setCgroup(toProto(s.cgroup()));
        s.containers().forEach(c -> b.addContainers(toContainerProto(c)));
        if (s.network() != null) b.setNetwork(toProto(s.network()));
        if (s.sync() != null) {
            b.setSync(io.kukeon.wire.v1.CellSync.newBuilder().setOutOfSync(s.sync().outOfSync())
                    .setReason(nz(s.sync().reason())).setMessage(nz(s.sync().message())));
        }
        return b.build();
    }

    public static CellStatus cellFromProto(io.kukeon.wire.v1.Status p) {
        List<ContainerStatus> containers = new ArrayList<>();
        p.getContainersList().forEach(c -> containers.add(fromProto(c)));
        return new CellStatus(CellState.valueOf(p.getState()), blankToNull(p.getReason()), blankToNull(p.getMessage()),
                p.hasCgroup() ? fromProto(p.getCgroup()) : null, containers, p.getReadyObserved(),
                p.hasNetwork() ? fromProto(p.getNetwork()) : null,
                instant(p.getCreatedAt()), instant(p.getUpdatedAt()), instant(p.getReadyAt()), p.getObservedGeneration(),
                !p.hasSync() ? null : new TemplateSync(p.getSync().getOutOfSync(), blankToNull(p.getSync().getReason()),
                        blankToNull(p.getSync().getMessage())), instant(p.getBringUpDue()));
    }

    public static io.kukeon.wire.v1.CellNetworkStatus toProto(CellNetworkStatus n) {
        return io.kukeon.wire.v1.CellNetworkStatus.newBuilder().setAddress(nz(n.address()))
                .setPrefixLength(n.prefixLength()).setGateway(nz(n.gateway())).setBridge(nz(n.bridge())).build();
    }

    public static CellNetworkStatus fromProto(io.kukeon.wire.v1.CellNetworkStatus p) {
        return new CellNetworkStatus(blankToNull(p.getAddress()), p.getPrefixLength(), blankToNull(p.getGateway()),
                blankToNull(p.getBridge()));
    }

    /** A container object's status sits in {@code Status.container}. */
    public static io.kukeon.wire.v1.Status toProto(ContainerStatus s) {
        return io.kukeon.wire.v1.Status.newBuilder().setState(s.state().name()).setReason(nz(s.reason()))
                .setMessage(nz(s.message())).setContainer(toContainerProto(s)).build();
    }

    public static io.kukeon.wire.v1.ContainerStatus toContainerProto(ContainerStatus s) {
        var b = io.kukeon.wire.v1.ContainerStatus.newBuilder().setName(nz(s.name())).setContainerdId(nz(s.containerdId()))
                .setState(s.state().name()).setPid(s.pid() == null ? 0 : s.pid()).setRestartCount(s.restartCount())
                .setStartTime(time(s.startTime())).setFinishTime(time(s.finishTime())).setOomKilled(s.oomKilled())
                .setReason(nz(s.reason())).setMessage(nz(s.message())).setNextRestartAt(time(s.nextRestartAt()))
                .setLogPath(nz(s.logPath())).setCgroupPath(nz(s.cgroupPath())).setImage(nz(s.image()));
        if (s.exitCode() != null) b.setExitCode(s.exitCode());
        if (s.exitSignal() != null) b.setExitSignal(s.exitSignal());
        if (s.usage() != null) b.setUsage(toProto(s.usage()));
        if (s.pull() != null) b.setPull(toProto(s.pull()));
        return b.build();
    }

    public static ContainerStatus fromProto(io.kukeon.wire.v1.ContainerStatus p) {
        return new ContainerStatus(p.getName(), blankToNull(p.getContainerdId()), ContainerState.valueOf(p.getState()),
                p.getPid() == 0 ? null : p.getPid(), p.getRestartCount(), instant(p.getStartTime()),
                instant(p.getFinishTime()), p.hasExitCode() ? p.getExitCode() : null,
                p.hasExitSignal() ? p.getExitSignal() : null, p.getOomKilled(), blankToNull(p.getReason()),
                blankToNull(p.getMessage()), instant(p.getNextRestartAt()), blankToNull(p.getLogPath()),
                blankToNull(p.getCgroupPath()), blankToNull(p.getImage()), p.hasUsage() ? fromProto(p.getUsage()) : null,
                p.hasPull() ? fromProto(p.getPull()) : null);
    }

    public static io.kukeon.wire.v1.PullProgress toProto(ContainerStatus.Pull pull) {
        return io.kukeon.wire.v1.PullProgress.newBuilder().setDoneBytes(pull.doneBytes())
                .setTotalBytes(pull.totalBytes()).build();
    }

    public static ContainerStatus.Pull fromProto(io.kukeon.wire.v1.PullProgress p) {
        return new ContainerStatus.Pull(p.getDoneBytes(), p.getTotalBytes());
    }

    public static io.kukeon.wire.v1.GroupStatus toProto(GroupStatus g) {
        var b = io.kukeon.wire.v1.GroupStatus.newBuilder().setPath(nz(g.path())).setReady(g.ready())
                .addAllControllers(g.controllers());
        g.notApplied().forEach(n -> b.addNotApplied(
                io.kukeon.wire.v1.GroupStatus.NotApplied.newBuilder().setField(nz(n.field())).setReason(nz(n.reason()))));
        if (g.usage() != null) {
            b.setUsage(toProto(g.usage()));
        }
        return b.build();
    }

    public static GroupStatus fromProto(io.kukeon.wire.v1.GroupStatus p) {
        List<GroupStatus.NotApplied> notApplied = new ArrayList<>();
        p.getNotAppliedList().forEach(n -> notApplied.add(new GroupStatus.NotApplied(n.getField(), n.getReason())));
        return new GroupStatus(p.getPath(), p.getReady(), p.getControllersList(), notApplied,
                p.hasUsage() ? fromProto(p.getUsage()) : null);
    }

    public static io.kukeon.wire.v1.GroupStatus.Usage toProto(GroupStatus.Usage usage) {
        var u = io.kukeon.wire.v1.GroupStatus.Usage.newBuilder();
        if (usage.memoryBytes() != null) u.setMemoryBytes(usage.memoryBytes());
        if (usage.cpuMicros() != null) u.setCpuMicros(usage.cpuMicros());
        if (usage.pids() != null) u.setPids(usage.pids());
        if (usage.oomKills() != null) u.setOomKills(usage.oomKills());
        if (usage.memoryLimitBytes() != null) u.setMemoryLimitBytes(usage.memoryLimitBytes());
        if (usage.blockReadBytes() != null) u.setBlockReadBytes(usage.blockReadBytes());
        if (usage.blockWriteBytes() != null) u.setBlockWriteBytes(usage.blockWriteBytes());
        return u.build();
    }

    public static GroupStatus.Usage fromProto(io.kukeon.wire.v1.GroupStatus.Usage u) {
        return new GroupStatus.Usage(u.hasMemoryBytes() ? u.getMemoryBytes() : null,
                u.hasCpuMicros() ? u.getCpuMicros() : null, u.hasPids() ? u.getPids() : null,
                u.hasOomKills() ? u.getOomKills() : null, u.hasMemoryLimitBytes() ? u.getMemoryLimitBytes() : null,
                u.hasBlockReadBytes() ? u.getBlockReadBytes() : null, u.hasBlockWriteBytes() ? u.getBlockWriteBytes() : null);
    }

    public static String time(Instant t) {
        return t == null ? "" : t.toString();
    }

    public static Instant instant(String s) {
        return s == null || s.isEmpty() ? null : Instant.parse(s);
    }
}
