package io.kukeon.cgroup;

import io.kukeon.model.Resources;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Resources as cgroup v1 files. Where v1 has no equivalent (memory.min, memory.high) or this host lacks
 * the file, the limit goes to not-applied with the reason. Unset limits are written back to v1's
 * defaults, except cpuset, which v1 never allows empty: it gets the parent's.
 */
final class V1Limits {
    static final String UNLIMITED = "-1";

    private V1Limits() {}

    static LimitPlan plan(Resources resources, GroupView view) {
        Resources original = Resources.orNone(resources);
        Resources r = original.effective();
        LimitPlan plan = new LimitPlan();
        Resources.Cpu c = r.cpu() == null ? new Resources.Cpu(null, null, null, null, null) : r.cpu();
        cpu(original.cpuSharesOrFromWeight(), c, view, plan);
        cpuset(c, view, plan);
        memory(r.memory() == null ? new Resources.Memory(null, null, null, null, null) : r.memory(), view, plan);
        blkio(r.io() == null ? new Resources.Io(null, null) : r.io(), view, plan);
        Long pids = r.pidsMax();
        if (plan.available(view, "pids", "pids.max", pids != null)) {
            plan.value("pids.max", "pids", "pids.max", V2Limits.orMax(pids), pids != null);
        }
        return plan;
    }

    private static void cpu(Long shares, Resources.Cpu c, GroupView view, LimitPlan plan) {
        if (plan.available(view, "cpu", "cpu.weight", shares != null)) {
            plan.value("cpu.weight", "cpu", "cpu.shares", shares == null ? "1024" : shares.toString(), shares != null);
        }
        boolean set = c.quotaMicros() != null;
        if (!plan.available(view, "cpu", "cpu.quotaMicros", set)) {
            return;
        }
        String quota = set ? c.quotaMicros().toString() : UNLIMITED;
        String period = c.periodMicros() == null ? V2Limits.DEFAULT_PERIOD : c.periodMicros().toString();
        if (quota.equals(view.read("cpu", "cpu.cfs_quota_us")) && period.equals(view.read("cpu", "cpu.cfs_period_us"))) {
            return;
        }
        // lifting the quota first lets the period change without the kernel checking the old quota
        // against the new period (which it refuses when the ratio passes the parent's)
        plan.value("cpu.quotaMicros", "cpu", "cpu.cfs_quota_us", UNLIMITED, set);
        plan.value("cpu.periodMicros", "cpu", "cpu.cfs_period_us", period, set);
        plan.value("cpu.quotaMicros", "cpu", "cpu.cfs_quota_us", quota, set);
    }

    /** v1 refuses processes into a cpuset with empty cpus or mems (ENOSPC): an unset one is the parent's. */
    private static void cpuset(Resources.Cpu c, GroupView view, LimitPlan plan) {
        boolean cpus = plan.available(view, "cpuset", "cpu.cpus", c.cpus() != null);
        boolean mems = plan.available(view, "cpuset", "cpu.mems", c.mems() != null);
        // mems before cpus, as runc does; either order is accepted by a kernel whose parent has both
        if (mems) {
            plan.value("cpu.mems", "cpuset", "cpuset.mems", c.mems() != null ? c.mems() : inherited(view, "cpuset.mems"), true);
        }
        if (cpus) {
            plan.value("cpu.cpus", "cpuset", "cpuset.cpus", c.cpus() != null ? c.cpus() : inherited(view, "cpuset.cpus"), true);
        }
    }

    static String inherited(GroupView view, String file) {
        String parent = view.readParent("cpuset", file);
        if (parent == null || parent.isBlank()) {
            throw new CgroupFailureException("the parent of " + view.path("cpuset", file) + " has no " + file
                    + " to inherit; a v1 cpuset group needs one");
        }
        return parent.trim();
    }

    private static void memory(Resources.Memory m, GroupView view, LimitPlan plan) {
        if (plan.available(view, "memory", "memory.min", m.min() != null) && m.min() != null) {
            plan.notApplied("memory.min", "cgroup v1 has no guaranteed memory (memory.min exists only in cgroup v2)");
        }
        if (plan.available(view, "memory", "memory.high", m.high() != null) && m.high() != null) {
            plan.notApplied("memory.high", "cgroup v1 has no throttling limit (memory.high exists only in cgroup v2);"
                    + " its soft limit carries memory.low");
        }
        // v1's soft limit is best-effort protection under global pressure: memory.low, as runc maps its
        // memory reservation; memory.high (throttling) has no v1 counterpart
        if (plan.available(view, "memory", "memory.low", m.low() != null)) {
            plan.value("memory.low", "memory", "memory.soft_limit_in_bytes", m.low() == null ? UNLIMITED : m.low().toString(),
                    m.low() != null);
        }
        if (!plan.available(view, "memory", "memory.max", m.max() != null)) {
            plan.available(view, "memory", "memory.swapMax", m.swapMax() != null);
            return;
        }
        String limit = m.max() == null ? UNLIMITED : m.max().toString();
        if (!view.has("memory", "memory.memsw.limit_in_bytes")) {
            if (m.swapMax() != null) {
                plan.notApplied("memory.swapMax", "memory.memsw.limit_in_bytes is absent: this kernel does not account swap"
                        + " (swapaccount=0 or no CONFIG_MEMCG_SWAP)");
            }
            plan.value("memory.max", "memory", "memory.limit_in_bytes", limit, m.max() != null);
            return;
        }
        // v1 limits memory+swap together: memsw = max + swapMax; without a max there is nothing to add to
        String memsw = UNLIMITED;
        if (m.swapMax() != null && m.max() == null) {
            plan.notApplied("memory.swapMax", "cgroup v1 limits memory+swap together (memory.memsw.limit_in_bytes);"
                    + " it needs memory.max to add the swap to");
        } else if (m.swapMax() != null) {
            memsw = Long.toString(m.max() + m.swapMax());
        }
        // the kernel keeps memsw >= limit at every step: raise memsw first, lower it last
        if (asLong(memsw) >= asLong(view.read("memory", "memory.limit_in_bytes"))) {
            plan.value("memory.swapMax", "memory", "memory.memsw.limit_in_bytes", memsw, m.swapMax() != null);
            plan.value("memory.max", "memory", "memory.limit_in_bytes", limit, m.max() != null);
        } else {
            plan.value("memory.max", "memory", "memory.limit_in_bytes", limit, m.max() != null);
            plan.value("memory.swapMax", "memory", "memory.memsw.limit_in_bytes", memsw, m.swapMax() != null);
        }
    }

    private static void blkio(Resources.Io io, GroupView view, LimitPlan plan) {
        Long w = io.weight();
        if (plan.available(view, "blkio", "io.weight", w != null)) {
            if (view.has("blkio", "blkio.weight")) {
                // CFQ's blkio.weight takes 10-1000 (default 500): ours (1-1000) is raised to at least 10
                plan.value("io.weight", "blkio", "blkio.weight", w == null ? "500" : Long.toString(Math.max(10, w)), w != null);
            } else if (view.has("blkio", "blkio.bfq.weight")) {
                plan.value("io.weight", "blkio", "blkio.bfq.weight", w == null ? "100" : w.toString(), w != null);
            } else if (w != null) {
                plan.notApplied("io.weight", "neither blkio.weight (CFQ) nor blkio.bfq.weight (BFQ) exists on this host");
            }
        }
        boolean limits = !io.max().isEmpty();
        if (!plan.available(view, "blkio", "io.max", limits)) {
            return;
        }
        if (!view.has("blkio", "blkio.throttle.read_bps_device")) {
            if (limits) {
                plan.notApplied("io.max", "blkio.throttle.* is absent: this kernel has no block I/O throttling");
            }
            return;
        }
        throttle(io, "blkio.throttle.read_bps_device", Resources.IoLimit::rbps, plan);
        throttle(io, "blkio.throttle.write_bps_device", Resources.IoLimit::wbps, plan);
        throttle(io, "blkio.throttle.read_iops_device", Resources.IoLimit::riops, plan);
        throttle(io, "blkio.throttle.write_iops_device", Resources.IoLimit::wiops, plan);
    }

    /** One v1 throttle file: {@code MAJ:MIN value} per device; 0 removes a device's rule. */
    private static void throttle(Resources.Io io, String file, Function<Resources.IoLimit, Long> key, LimitPlan plan) {
        Map<String, String> lines = new LinkedHashMap<>();
        for (Resources.IoLimit l : io.max()) {
            if (key.apply(l) != null) {
                lines.put(l.device(), key.apply(l).toString());
            }
        }
        plan.deviceLines("io.max", "blkio", file, lines, "0");
    }

    /** A v1 limit as a number; -1 and absent are "no limit". */
    static long asLong(String value) {
        if (value == null || value.isBlank() || value.trim().equals(UNLIMITED)) {
            return Long.MAX_VALUE;
        }
        return Long.parseLong(value.trim());
    }
}
