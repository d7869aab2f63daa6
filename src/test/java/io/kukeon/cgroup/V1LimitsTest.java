package io.kukeon.cgroup;

import io.kukeon.model.GroupStatus;
import io.kukeon.model.Resources;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The v1 mapping, against a group whose files are a map (what a v1 host shows right after mkdir). */
class V1LimitsTest {

    /** A group's files as "controller/file" → content; the parent's under "parent:controller/file". */
    static final class MapView implements GroupView {
        final Map<String, String> files = new HashMap<>();
        final Set<String> mounted;

        MapView(Set<String> mounted) {
            this.mounted = mounted;
        }

        static MapView freshV1Group() {
            MapView v = new MapView(Set.of("cpu", "cpuacct", "cpuset", "memory", "blkio", "pids"));
            v.files.put("cpu/cpu.shares", "1024");
            v.files.put("cpu/cpu.cfs_quota_us", "-1");
            v.files.put("cpu/cpu.cfs_period_us", "100000");
            v.files.put("cpuset/cpuset.cpus", "");
            v.files.put("cpuset/cpuset.mems", "");
            v.files.put("parent:cpuset/cpuset.cpus", "0-3");
            v.files.put("parent:cpuset/cpuset.mems", "0");
            v.files.put("memory/memory.limit_in_bytes", "9223372036854771712");
            v.files.put("memory/memory.memsw.limit_in_bytes", "9223372036854771712");
            v.files.put("memory/memory.soft_limit_in_bytes", "9223372036854771712");
            v.files.put("blkio/blkio.bfq.weight", "100");
            v.files.put("blkio/blkio.throttle.read_bps_device", "");
            v.files.put("blkio/blkio.throttle.write_bps_device", "");
            v.files.put("blkio/blkio.throttle.read_iops_device", "");
            v.files.put("blkio/blkio.throttle.write_iops_device", "");
            v.files.put("pids/pids.max", "max");
            return v;
        }

        @Override
        public String whyUnavailable(String controller) {
            return mounted.contains(controller) ? null : controller + " not mounted";
        }

        @Override
        public boolean has(String controller, String file) {
            return files.containsKey(controller + "/" + file);
        }

        @Override
        public String read(String controller, String file) {
            return files.get(controller + "/" + file);
        }

        @Override
        public String readParent(String controller, String file) {
            return files.get("parent:" + controller + "/" + file);
        }

        @Override
        public void write(String controller, String file, String value) {
            files.put(controller + "/" + file, value);
        }

        @Override
        public Path path(String controller, String file) {
            return Path.of("/fake", controller, file);
        }
    }

    static List<String> writes(LimitPlan plan) {
        return plan.writes().stream().map(w -> w instanceof LimitPlan.Value v ? v.file() + "=" + v.value()
                : w.file() + "=" + ((LimitPlan.DeviceLines) w).lines()).toList();
    }

    /** The planned writes to files starting with any of the prefixes, in order. */
    static List<String> writesOf(LimitPlan plan, String... filePrefixes) {
        return writes(plan).stream().filter(w -> java.util.Arrays.stream(filePrefixes).anyMatch(w::startsWith)).toList();
    }

    static List<String> notApplied(LimitPlan plan) {
        return plan.notApplied().stream().map(GroupStatus.NotApplied::field).toList();
    }

    @Test
    void everyV2LimitLandsInItsV1FileOrIsReported() {
        MapView view = MapView.freshV1Group();
        Resources r = new Resources(null, null, null,
                new Resources.Cpu(100L, 50_000L, null, "1", null),
                new Resources.Memory(1L << 20, 2L << 20, 3L << 20, 64L << 20, 16L << 20),
                new Resources.Io(300L, List.of(new Resources.IoLimit("254:0", 1_048_576L, null, null, 100L))),
                new Resources.Pids(20L));

        LimitPlan plan = V1Limits.plan(r, view);
        LimitWriter.apply(view, plan);

        assertEquals(List.of("memory.min", "memory.high"), notApplied(plan));
        assertEquals(Long.toString(2 + 99 * 262142 / 9999), view.read("cpu", "cpu.shares"), "weight 100 → shares");
        assertEquals("50000", view.read("cpu", "cpu.cfs_quota_us"));
        assertEquals("100000", view.read("cpu", "cpu.cfs_period_us"));
        assertEquals("1", view.read("cpuset", "cpuset.cpus"));
        assertEquals("0", view.read("cpuset", "cpuset.mems"), "unset: the parent's, never empty");
        assertEquals("67108864", view.read("memory", "memory.limit_in_bytes"));
        assertEquals(Long.toString((64L << 20) + (16L << 20)), view.read("memory", "memory.memsw.limit_in_bytes"),
                "v1 limits memory+swap together");
        assertEquals("2097152", view.read("memory", "memory.soft_limit_in_bytes"), "memory.low");
        assertEquals("300", view.read("blkio", "blkio.bfq.weight"));
        assertEquals("254:0 1048576", view.read("blkio", "blkio.throttle.read_bps_device"));
        assertEquals("254:0 100", view.read("blkio", "blkio.throttle.write_iops_device"));
        assertEquals("", view.read("blkio", "blkio.throttle.write_bps_device"));
        assertEquals("20", view.read("pids", "pids.max"));
    }

    @Test
    void givenSharesAreWrittenAsIs() {
        MapView view = MapView.freshV1Group();

        LimitWriter.apply(view, V1Limits.plan(new Resources(null, 512L, null, null, null, null, null), view));

        assertEquals("512", view.read("cpu", "cpu.shares"));
    }

    @Test
    void memswIsRaisedBeforeTheLimitAndLoweredAfterIt() {
        MapView view = MapView.freshV1Group();
        view.files.put("memory/memory.limit_in_bytes", "268435456");
        view.files.put("memory/memory.memsw.limit_in_bytes", "268435456");
        Resources lower = new Resources(null, null, null, null,
                new Resources.Memory(null, null, null, 64L << 20, 0L), null, null);

        assertEquals(List.of("memory.limit_in_bytes=67108864", "memory.memsw.limit_in_bytes=67108864"),
                writesOf(V1Limits.plan(lower, view), "memory.limit", "memory.memsw"));

        view.files.put("memory/memory.limit_in_bytes", "67108864");
        view.files.put("memory/memory.memsw.limit_in_bytes", "67108864");
        Resources higher = new Resources(512L << 20, null, null, null, null, null, null);
        assertEquals(List.of("memory.memsw.limit_in_bytes=-1", "memory.limit_in_bytes=536870912"),
                writesOf(V1Limits.plan(higher, view), "memory.limit", "memory.memsw"));
    }

    @Test
    void aChangedQuotaLiftsTheOldOneBeforeTheNewPeriod() {
        MapView view = MapView.freshV1Group();
        view.files.put("cpu/cpu.cfs_quota_us", "50000");
        Resources r = new Resources(null, null, null, new Resources.Cpu(null, 20_000L, 40_000L, null, null), null, null, null);

        assertEquals(List.of("cpu.cfs_quota_us=-1", "cpu.cfs_period_us=40000", "cpu.cfs_quota_us=20000"),
                writesOf(V1Limits.plan(r, view), "cpu.cfs"));
        view.files.put("cpu/cpu.cfs_quota_us", "20000");
        view.files.put("cpu/cpu.cfs_period_us", "40000");
        assertTrue(writes(V1Limits.plan(r, view)).stream().noneMatch(s -> s.startsWith("cpu.cfs")), "unchanged: untouched");
    }

    @Test
    void removedLimitsGoBackToV1Defaults() {
        MapView view = MapView.freshV1Group();
        Resources r = new Resources(64L << 20, 100L, 5L, new Resources.Cpu(null, 10_000L, null, "0", null), null,
                new Resources.Io(300L, List.of(new Resources.IoLimit("254:0", 1L << 20, null, null, null))), null);
        LimitWriter.apply(view, V1Limits.plan(r, view));

        LimitWriter.apply(view, V1Limits.plan(Resources.NONE, view));

        assertEquals("1024", view.read("cpu", "cpu.shares"));
        assertEquals("-1", view.read("cpu", "cpu.cfs_quota_us"));
        assertEquals("0-3", view.read("cpuset", "cpuset.cpus"), "the parent's again");
        assertEquals("-1", view.read("memory", "memory.limit_in_bytes"));
        assertEquals("100", view.read("blkio", "blkio.bfq.weight"));
        assertEquals("254:0 0", view.read("blkio", "blkio.throttle.read_bps_device"), "0 removes the device's rule");
        assertEquals("max", view.read("pids", "pids.max"));
    }

    @Test
    void cfqWeightIsClampedToItsRange() {
        MapView view = MapView.freshV1Group();
        view.files.remove("blkio/blkio.bfq.weight");
        view.files.put("blkio/blkio.weight", "500");

        LimitWriter.apply(view, V1Limits.plan(new Resources(null, null, null, null, null, new Resources.Io(5L, null), null), view));

        assertEquals("10", view.read("blkio", "blkio.weight"));
    }

    @Test
    void whatThisHostLacksIsNotApplied() {
        MapView view = new MapView(Set.of("cpu", "cpuset", "memory"));
        view.files.putAll(MapView.freshV1Group().files);
        view.files.remove("memory/memory.memsw.limit_in_bytes");
        Resources r = new Resources(null, null, 10L, null, new Resources.Memory(null, null, null, 1L << 30, 1L << 20),
                new Resources.Io(10L, List.of(new Resources.IoLimit("8:0", 1L, null, null, null))), null);

        LimitPlan plan = V1Limits.plan(r, view);

        assertEquals(List.of("memory.swapMax", "io.weight", "io.max", "pids.max"), notApplied(plan));
        assertTrue(plan.notApplied().get(0).reason().contains("does not account swap"));
        assertEquals("pids not mounted", plan.notApplied().get(3).reason());
    }

    @Test
    void swapWithoutAMemoryLimitCannotBeExpressed() {
        MapView view = MapView.freshV1Group();

        LimitPlan plan = V1Limits.plan(new Resources(null, null, null, null,
                new Resources.Memory(null, null, null, null, 1L << 20), null, null), view);

        assertEquals(List.of("memory.swapMax"), notApplied(plan));
        assertTrue(plan.notApplied().get(0).reason().contains("needs memory.max"));
    }

    @Test
    void aCpusetWithNothingToInheritIsAnError() {
        MapView view = MapView.freshV1Group();
        view.files.remove("parent:cpuset/cpuset.cpus");

        CgroupFailureException e = assertThrows(CgroupFailureException.class, () -> V1Limits.plan(Resources.NONE, view));
        assertTrue(e.getMessage().contains("cpuset.cpus"), e.getMessage());
    }
}
