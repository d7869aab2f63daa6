package io.kukeon.manifest;

import io.kukeon.model.Resources;

import java.util.ArrayList;
import java.util.List;

/** Reads {@code resources} (any level) into {@link Resources}; an empty nested block reads as absent. */
final class ResourcesReader {
    private ResourcesReader() {}

    static Resources read(FieldReader owner) {
        FieldReader r = owner.mapping("resources");
        if (r == null) {
            return Resources.NONE;
        }
        Resources out = new Resources(r.integer("memoryLimitBytes"), r.integer("cpuShares"), r.integer("pidsLimit"),
                cpu(r.mapping("cpu")), memory(r.mapping("memory")), io(r.mapping("io")), pids(r.mapping("pids")));
        r.rejectUnknown();
        return out.equals(Resources.NONE) ? Resources.NONE : out;
    }

    private static Resources.Cpu cpu(FieldReader c) {
        if (c == null) {
            return null;
        }
        Resources.Cpu cpu = new Resources.Cpu(c.integer("weight"), c.integer("quotaMicros"), c.integer("periodMicros"),
                c.string("cpus"), c.string("mems"));
        c.rejectUnknown();
        return cpu.equals(new Resources.Cpu(null, null, null, null, null)) ? null : cpu;
    }

    private static Resources.Memory memory(FieldReader m) {
        if (m == null) {
            return null;
        }
        Resources.Memory memory = new Resources.Memory(m.integer("min"), m.integer("low"), m.integer("high"),
                m.integer("max"), m.integer("swapMax"));
        m.rejectUnknown();
        return memory.equals(new Resources.Memory(null, null, null, null, null)) ? null : memory;
    }

    private static Resources.Io io(FieldReader i) {
        if (i == null) {
            return null;
        }
        Long weight = i.integer("weight");
        List<Resources.IoLimit> limits = new ArrayList<>();
        List<FieldReader> max = i.mappings("max");
        if (max != null) {
            for (FieldReader l : max) {
                limits.add(new Resources.IoLimit(l.string("device"), l.integer("rbps"), l.integer("wbps"),
                        l.integer("riops"), l.integer("wiops")));
                l.rejectUnknown();
            }
        }
        i.rejectUnknown();
        return weight == null && limits.isEmpty() ? null : new Resources.Io(weight, limits);
    }

    private static Resources.Pids pids(FieldReader p) {
        if (p == null) {
            return null;
        }
        Long max = p.integer("max");
        p.rejectUnknown();
        return max == null ? null : new Resources.Pids(max);
    }
}
