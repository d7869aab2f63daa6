package io.kukeon.runtime.containerd;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.kukeon.model.GroupStatus;
import io.kukeon.runtime.RuntimeFailure;

/** Decodes a task's cgroup metrics, v1 (hybrid hosts) or v2 (unified), into our usage figures. */
final class TaskMetrics {
    static final String V1 = "io.containerd.cgroups.v1.Metrics";
    static final String V2 = "io.containerd.cgroups.v2.Metrics";

    private TaskMetrics() {}

    static GroupStatus.Usage decode(Any data) {
        String type = data.getTypeUrl().substring(data.getTypeUrl().lastIndexOf('/') + 1);
        try {
            if (type.equals(V1)) {
                return v1(io.kukeon.runtime.containerd.api.cgroups.v1.Metrics.parseFrom(data.getValue()));
            }
            if (type.equals(V2)) {
                return v2(io.kukeon.runtime.containerd.api.cgroups.v2.Metrics.parseFrom(data.getValue()));
            }
        } catch (InvalidProtocolBufferException e) {
            throw new RuntimeFailure("RuntimeError", "containerd sent unreadable " + type + ": " + e.getMessage(), e);
        }
        throw new RuntimeFailure("RuntimeError", "containerd sent metrics of unknown type " + data.getTypeUrl());
    }

    static GroupStatus.Usage v1(io.kukeon.runtime.containerd.api.cgroups.v1.Metrics m) {
        return new GroupStatus.Usage(
                m.hasMemory() && m.getMemory().hasUsage() ? m.getMemory().getUsage().getUsage() : null,
                m.hasCpu() && m.getCpu().hasUsage() ? m.getCpu().getUsage().getTotal() / 1000 : null,
                m.hasPids() ? m.getPids().getCurrent() : null,
                m.hasMemoryOomControl() ? m.getMemoryOomControl().getOomKill() : null,
                m.hasMemory() && m.getMemory().hasUsage() ? GroupStatus.Usage.memoryLimit(m.getMemory().getUsage().getLimit()) : null,
                m.hasBlkio() ? v1Bytes(m.getBlkio(), "Read") : null,
                m.hasBlkio() ? v1Bytes(m.getBlkio(), "Write") : null);
    }

    private static long v1Bytes(io.kukeon.runtime.containerd.api.cgroups.v1.BlkIOStat blkio, String op) {
        return blkio.getIoServiceBytesRecursiveList().stream().filter(e -> e.getOp().equalsIgnoreCase(op))
                .mapToLong(e -> e.getValue()).sum();
    }

    static GroupStatus.Usage v2(io.kukeon.runtime.containerd.api.cgroups.v2.Metrics m) {
        return new GroupStatus.Usage(
                m.hasMemory() ? m.getMemory().getUsage() : null,
                m.hasCpu() ? m.getCpu().getUsageUsec() : null,
                m.hasPids() ? m.getPids().getCurrent() : null,
                m.hasMemoryEvents() ? m.getMemoryEvents().getOomKill() : null,
                m.hasMemory() ? GroupStatus.Usage.memoryLimit(m.getMemory().getUsageLimit()) : null,
                m.hasIo() ? m.getIo().getUsageList().stream().mapToLong(e -> e.getRbytes()).sum() : null,
                m.hasIo() ? m.getIo().getUsageList().stream().mapToLong(e -> e.getWbytes()).sum() : null);
    }
}
