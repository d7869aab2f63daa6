package io.kukeon.runtime.containerd;

import com.google.protobuf.Any;
import io.kukeon.model.GroupStatus;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.containerd.api.cgroups.v1.CPUStat;
import io.kukeon.runtime.containerd.api.cgroups.v1.CPUUsage;
import io.kukeon.runtime.containerd.api.cgroups.v1.MemoryEntry;
import io.kukeon.runtime.containerd.api.cgroups.v1.MemoryOomControl;
import io.kukeon.runtime.containerd.api.cgroups.v1.MemoryStat;
import io.kukeon.runtime.containerd.api.cgroups.v1.PidsStat;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TaskMetricsTest {
    @Test
    void decodesCgroupV1Metrics() {
        var m = io.kukeon.runtime.containerd.api.cgroups.v1.Metrics.newBuilder()
                .setMemory(MemoryStat.newBuilder().setUsage(MemoryEntry.newBuilder().setUsage(4096)))
                .setCpu(CPUStat.newBuilder().setUsage(CPUUsage.newBuilder().setTotal(5_000_000)))
                .setPids(PidsStat.newBuilder().setCurrent(3))
                .setMemoryOomControl(MemoryOomControl.newBuilder().setOomKill(1)).build();
        Any any = Any.newBuilder().setTypeUrl(TaskMetrics.V1).setValue(m.toByteString()).build();

        assertEquals(new GroupStatus.Usage(4096L, 5000L, 3L, 1L), TaskMetrics.decode(any));
    }

    @Test
    void decodesCgroupV2Metrics() {
        var m = io.kukeon.runtime.containerd.api.cgroups.v2.Metrics.newBuilder()
                .setMemory(io.kukeon.runtime.containerd.api.cgroups.v2.MemoryStat.newBuilder().setUsage(8192))
                .setCpu(io.kukeon.runtime.containerd.api.cgroups.v2.CPUStat.newBuilder().setUsageUsec(42))
                .setPids(io.kukeon.runtime.containerd.api.cgroups.v2.PidsStat.newBuilder().setCurrent(2))
                .setMemoryEvents(io.kukeon.runtime.containerd.api.cgroups.v2.MemoryEvents.newBuilder().setOomKill(0)).build();
        Any any = Any.newBuilder().setTypeUrl("type.googleapis.com/" + TaskMetrics.V2).setValue(m.toByteString()).build();

        assertEquals(new GroupStatus.Usage(8192L, 42L, 2L, 0L), TaskMetrics.decode(any));
    }

    @Test
    void decodesTheMemoryLimitAndBlockIoOfEitherVersion() {
        var v1 = io.kukeon.runtime.containerd.api.cgroups.v1.Metrics.newBuilder()
                .setMemory(MemoryStat.newBuilder().setUsage(MemoryEntry.newBuilder().setUsage(4096).setLimit(1L << 26)))
                .setBlkio(io.kukeon.runtime.containerd.api.cgroups.v1.BlkIOStat.newBuilder()
                        .addIoServiceBytesRecursive(blkio("Read", 100)).addIoServiceBytesRecursive(blkio("Write", 200))
                        .addIoServiceBytesRecursive(blkio("Read", 5)).addIoServiceBytesRecursive(blkio("Total", 305))).build();
        GroupStatus.Usage u1 = TaskMetrics.decode(Any.newBuilder().setTypeUrl(TaskMetrics.V1).setValue(v1.toByteString()).build());
        assertEquals(new GroupStatus.Usage(4096L, null, null, null, 1L << 26, 105L, 200L), u1);

        var v2 = io.kukeon.runtime.containerd.api.cgroups.v2.Metrics.newBuilder()
                // "max" arrives as 2^64 - 1: no limit
                .setMemory(io.kukeon.runtime.containerd.api.cgroups.v2.MemoryStat.newBuilder().setUsage(8192).setUsageLimit(-1L))
                .setIo(io.kukeon.runtime.containerd.api.cgroups.v2.IOStat.newBuilder()
                        .addUsage(io.kukeon.runtime.containerd.api.cgroups.v2.IOEntry.newBuilder().setRbytes(7).setWbytes(9))
                        .addUsage(io.kukeon.runtime.containerd.api.cgroups.v2.IOEntry.newBuilder().setRbytes(1).setWbytes(1))).build();
        GroupStatus.Usage u2 = TaskMetrics.decode(Any.newBuilder().setTypeUrl(TaskMetrics.V2).setValue(v2.toByteString()).build());
        assertEquals(new GroupStatus.Usage(8192L, null, null, null, null, 8L, 10L), u2);
    }

    private static io.kukeon.runtime.containerd.api.cgroups.v1.BlkIOEntry blkio(String op, long bytes) {
        return io.kukeon.runtime.containerd.api.cgroups.v1.BlkIOEntry.newBuilder().setOp(op).setMajor(8).setValue(bytes).build();
    }

    @Test
    void anUnknownTypeIsAnError() {
        RuntimeFailure e = assertThrows(RuntimeFailure.class,
                () -> TaskMetrics.decode(Any.newBuilder().setTypeUrl("io.containerd.windows.Stats").build()));
        assertEquals("RuntimeError", e.kind());
    }
}
