package io.kukeon.cgroup;

import io.kukeon.model.Resources;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resources as cgroup v2 files. A limit not set is written back to the kernel's default, so removing
 * it from a manifest really removes it.
 */
final class V2Limits {
    static final String DEFAULT_PERIOD = "100000";

    private V2Limits() {}

    static LimitPlan plan(Resources resources, GroupView view) {
        Resources r = Resources.orNone(resources).effective();
        LimitPlan plan = new LimitPlan();
        cpu(r.cpu() == null ? new Resources.Cpu(null, null, null, null, null) : r.cpu(), view, plan);
        memory(r.memory() == null ? new Resources.Memory(null, null, null, null, null) : r.memory(), view, plan);
        io(r.io() == null ? new Resources.Io(null, null) : r.io(), view, plan);
        Long pids = r.pidsMax();
        if (plan.available(view, "pids", "pids.max", pids != null)) {
            plan.value("pids.max", "pids", "pids.max", orMax(pids), pids != null);
        }
        return plan;
    }

    private static void cpu(Resources.Cpu c, GroupView view, LimitPlan plan) {
        if (plan.available(view, "cpu", "cpu.weight", c.weight() != null)) {
            plan.value("cpu.weight", "cpu", "cpu.weight", c.weight() == null ? "100" : c.weight().toString(), c.weight() != null);
        }
        boolean quota = c.quotaMicros() != null;
        if (plan.available(view, "cpu", "cpu.quotaMicros", quota)) {
            String period = c.periodMicros() == null ? DEFAULT_PERIOD : c.periodMicros().toString();
            plan.value("cpu.quotaMicros", "cpu", "cpu.max", (quota ? c.quotaMicros().toString() : "max") + " " + period, quota);
        }
        // an empty cpuset file means "all of the parent's", the v2 default
        if (plan.available(view, "cpuset", "cpu.cpus", c.cpus() != null)) {
            plan.value("cpu.cpus", "cpuset", "cpuset.cpus", c.cpus() == null ? "" : c.cpus(), c.cpus() != null);
        }
        if (plan.available(view, "cpuset", "cpu.mems", c.mems() != null)) {
            plan.value("cpu.mems", "cpuset", "cpuset.mems", c.mems() == null ? "" : c.mems(), c.mems() != null);
        }
    }

    private static void memory(Resources.Memory m, GroupView view, LimitPlan plan) {
        if (plan.available(view, "memory", "memory.min", m.min() != null)) {
            plan.value("memory.min", "memory", "memory.min", m.min() == null ? "0" : m.min().toString(), m.min() != null);
        }
        if (plan.available(view, "memory", "memory.low", m.low() != null)) {
            plan.value("memory.low", "memory", "memory.low", m.low() == null ? "0" : m.low().toString(), m.low() != null);
        }
        if (plan.available(view, "memory", "memory.high", m.high() != null)) {
            plan.value("memory.high", "memory", "memory.high", orMax(m.high()), m.high() != null);
        }
        if (plan.available(view, "memory", "memory.max", m.max() != null)) {
            plan.value("memory.max", "memory", "memory.max", orMax(m.max()), m.max() != null);
        }
        if (plan.available(view, "memory", "memory.swapMax", m.swapMax() != null)) {
            if (view.has("memory", "memory.swap.max")) {
                plan.value("memory.swapMax", "memory", "memory.swap.max", orMax(m.swapMax()), m.swapMax() != null);
            } else if (m.swapMax() != null) {
                plan.notApplied("memory.swapMax", "memory.swap.max is absent: this kernel does not account swap"
                        + " (swapaccount=0 or no CONFIG_MEMCG_SWAP)");
            }
        }
    }

    private static void io(Resources.Io io, GroupView view, LimitPlan plan) {
        Long w = io.weight();
        if (plan.available(view, "io", "io.weight", w != null)) {
            // BFQ's weight has the same 1-1000 range as ours; io.cost's io.weight takes it as is (1-10000)
            String file = view.has("io", "io.bfq.weight") ? "io.bfq.weight" : view.has("io", "io.weight") ? "io.weight" : null;
            if (file != null) {
                plan.value("io.weight", "io", file, "default " + (w == null ? 100 : w), w != null);
            } else if (w != null) {
                plan.notApplied("io.weight", "neither io.bfq.weight (BFQ) nor io.weight (io.cost) exists on this host");
            }
        }
        boolean limits = !io.max().isEmpty();
        if (plan.available(view, "io", "io.max", limits)) {
            if (view.has("io", "io.max")) {
                plan.deviceLines("io.max", "io", "io.max", lines(io), "rbps=max wbps=max riops=max wiops=max");
            } else if (limits) {
                plan.notApplied("io.max", "io.max is absent: this kernel has no block I/O throttling (CONFIG_BLK_DEV_THROTTLING)");
            }
        }
    }

    /** One line per device; two entries for the same device merge, the later one winning per key. */
    private static Map<String, String> lines(Resources.Io io) {
        Map<String, Resources.IoLimit> byDevice = new LinkedHashMap<>();
        for (Resources.IoLimit l : io.max()) {
            Resources.IoLimit old = byDevice.get(l.device());
            byDevice.put(l.device(), old == null ? l : new Resources.IoLimit(l.device(),
                    l.rbps() != null ? l.rbps() : old.rbps(), l.wbps() != null ? l.wbps() : old.wbps(),
                    l.riops() != null ? l.riops() : old.riops(), l.wiops() != null ? l.wiops() : old.wiops()));
        }
        Map<String, String> lines = new LinkedHashMap<>();
        byDevice.forEach((device, l) -> lines.put(device, "rbps=" + orMax(l.rbps()) + " wbps=" + orMax(l.wbps())
                + " riops=" + orMax(l.riops()) + " wiops=" + orMax(l.wiops())));
        return lines;
    }

    static String orMax(Long v) {
        return v == null ? "max" : v.toString();
    }
}
