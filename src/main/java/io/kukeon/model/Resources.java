package io.kukeon.model;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Resource limits of one cgroup level. Every field is optional (null = not set, the kernel's
 * default applies). The first three are the reference's container fields; the nested records
 * are the full set, which every level from realm to container accepts.
 *
 * @param memoryLimitBytes alias of {@code memory.max} (the reference's name)
 * @param cpuShares        v1-style shares (2-262144), turned into a weight where only weights exist
 * @param pidsLimit        alias of {@code pids.max} (the reference's name)
 */
public record Resources(Long memoryLimitBytes, Long cpuShares, Long pidsLimit,
                        Cpu cpu, Memory memory, Io io, Pids pids) {

    public static final Resources NONE = new Resources(null, null, null, null, null, null, null);

    /** Upper bound of any byte size we accept: 1 PiB. Anything above is a typo. */
    public static final long MAX_BYTES = 1L << 50;
    public static final long MAX_PIDS = 4_194_304L;   // the kernel's PID_MAX_LIMIT

    /**
     * @param weight       {@code cpu.weight}, 1-10000
     * @param quotaMicros  {@code cpu.max} quota per period, 1000-1000000000 µs
     * @param periodMicros {@code cpu.max} period, 1000-1000000 µs (default 100000)
     * @param cpus         {@code cpuset.cpus}, e.g. {@code 0-1,3}
     * @param mems         {@code cpuset.mems}
     */
    public record Cpu(Long weight, Long quotaMicros, Long periodMicros, String cpus, String mems) {}

    /** {@code memory.min|low|high|max} and {@code memory.swap.max}, in bytes. */
    public record Memory(Long min, Long low, Long high, Long max, Long swapMax) {}

    /** {@code io.weight} (1-1000) and {@code io.max} entries. */
    public record Io(Long weight, List<IoLimit> max) {
        public Io {
            max = max == null ? List.of() : List.copyOf(max);
        }
    }

    /** One {@code io.max} line: {@code MAJ:MIN rbps= wbps= riops= wiops=}. */
    public record IoLimit(String device, Long rbps, Long wbps, Long riops, Long wiops) {}

    /** {@code pids.max}. */
    public record Pids(Long max) {}

    public boolean isEmpty() {
        return equals(NONE) || effective().equals(NONE);
    }

    public static Resources orNone(Resources r) {
        return r == null ? NONE : r;
    }

    /** The value of {@code memory.max}: the nested field, else the reference's alias. */
    public Long memoryMax() {
        return memory != null && memory.max() != null ? memory.max() : memoryLimitBytes;
    }

    public Long pidsMax() {
        return pids != null && pids.max() != null ? pids.max() : pidsLimit;
    }

    /** {@code cpu.weight}: the nested field, else converted from shares as runc does. */
    public Long cpuWeight() {
        if (cpu != null && cpu.weight() != null) {
            return cpu.weight();
        }
        return cpuShares == null ? null : sharesToWeight(cpuShares);
    }

    /** runc's conversion: shares [2, 262144] onto weight [1, 10000]. */
    public static long sharesToWeight(long shares) {
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    /** v1 {@code cpu.shares}: the given shares, else converted back from the weight. */
    public Long cpuSharesOrFromWeight() {
        if (cpuShares != null) {
            return cpuShares;
        }
        Long w = cpu == null ? null : cpu.weight();
        return w == null ? null : 2 + ((w - 1) * 262142) / 9999;
    }

    /** The same limits with aliases folded into the nested records (for comparing and applying). */
    public Resources effective() {
        Cpu c = cpu;
        if (cpuShares != null && (c == null || c.weight() == null)) {
            c = new Cpu(sharesToWeight(cpuShares), c == null ? null : c.quotaMicros(),
                    c == null ? null : c.periodMicros(), c == null ? null : c.cpus(), c == null ? null : c.mems());
        }
        Memory m = memory;
        if (memoryLimitBytes != null && (m == null || m.max() == null)) {
            m = m == null ? new Memory(null, null, null, memoryLimitBytes, null)
                    : new Memory(m.min(), m.low(), m.high(), memoryLimitBytes, m.swapMax());
        }
        Pids p = pids;
        if (pidsLimit != null && (p == null || p.max() == null)) {
            p = new Pids(pidsLimit);
        }
        if (c != null && c.equals(new Cpu(null, null, null, null, null))) {
            c = null;
        }
        if (m != null && m.equals(new Memory(null, null, null, null, null))) {
            m = null;
        }
        if (io != null && io.weight() == null && io.max().isEmpty()) {
            return new Resources(null, null, null, c, m, null, p == null || p.max() == null ? null : p);
        }
        return new Resources(null, null, null, c, m, io, p == null || p.max() == null ? null : p);
    }

    private static final Pattern CPU_LIST = Pattern.compile("\\d{1,4}(-\\d{1,4})?(,\\d{1,4}(-\\d{1,4})?)*");
    private static final Pattern DEVICE = Pattern.compile("\\d{1,4}:\\d{1,7}");

    /** Throws {@link InvalidArgumentException} naming the first field out of range, e.g. {@code spec.resources.cpu.weight}. */
    public void validate(String prefix) {
        List<String[]> errors = errors(prefix);
        if (!errors.isEmpty()) {
            throw new InvalidArgumentException(errors.get(0)[0], errors.get(0)[1]);
        }
    }

    /** Every violation as {field, rule}. */
    public List<String[]> errors(String prefix) {
        List<String[]> e = new ArrayList<>();
        range(e, prefix + ".memoryLimitBytes", memoryLimitBytes, 4096, MAX_BYTES);
        range(e, prefix + ".cpuShares", cpuShares, 2, 262_144);
        range(e, prefix + ".pidsLimit", pidsLimit, 1, MAX_PIDS);
        if (cpu != null) {
            String p = prefix + ".cpu";
            range(e, p + ".weight", cpu.weight(), 1, 10_000);
            range(e, p + ".quotaMicros", cpu.quotaMicros(), 1_000, 1_000_000_000L);
            range(e, p + ".periodMicros", cpu.periodMicros(), 1_000, 1_000_000);
            if (cpu.periodMicros() != null && cpu.quotaMicros() == null) {
                e.add(new String[] {p + ".quotaMicros", "is required when periodMicros is set"});
            }
            list(e, p + ".cpus", cpu.cpus());
            list(e, p + ".mems", cpu.mems());
        }
        if (memory != null) {
            String p = prefix + ".memory";
            range(e, p + ".min", memory.min(), 0, MAX_BYTES);
            range(e, p + ".low", memory.low(), 0, MAX_BYTES);
            range(e, p + ".high", memory.high(), 4096, MAX_BYTES);
            range(e, p + ".max", memory.max(), 4096, MAX_BYTES);
            range(e, p + ".swapMax", memory.swapMax(), 0, MAX_BYTES);
            Long max = memoryMax();
            if (max != null && memory.min() != null && memory.min() > max) {
                e.add(new String[] {p + ".min", "must not exceed memory.max (" + max + ")"});
            }
            if (max != null && memory.low() != null && memory.low() > max) {
                e.add(new String[] {p + ".low", "must not exceed memory.max (" + max + ")"});
            }
        }
        if (io != null) {
            String p = prefix + ".io";
            range(e, p + ".weight", io.weight(), 1, 1_000);
            for (int i = 0; i < io.max().size(); i++) {
                IoLimit l = io.max().get(i);
                String q = p + ".max[" + i + "]";
                if (l == null || l.device() == null || !DEVICE.matcher(l.device()).matches()) {
                    e.add(new String[] {q + ".device", "must be MAJOR:MINOR, e.g. 8:0"});
                    continue;
                }
                range(e, q + ".rbps", l.rbps(), 1, MAX_BYTES);
                range(e, q + ".wbps", l.wbps(), 1, MAX_BYTES);
                range(e, q + ".riops", l.riops(), 1, 1_000_000_000L);
                range(e, q + ".wiops", l.wiops(), 1, 1_000_000_000L);
                if (l.rbps() == null && l.wbps() == null && l.riops() == null && l.wiops() == null) {
                    e.add(new String[] {q, "sets no limit; give at least one of rbps, wbps, riops, wiops"});
                }
            }
        }
        if (pids != null) {
            range(e, prefix + ".pids.max", pids.max(), 1, MAX_PIDS);
        }
        return e;
    }

    private static void range(List<String[]> e, String field, Long value, long min, long max) {
        if (value != null && (value < min || value > max)) {
            e.add(new String[] {field, "must be between " + min + " and " + max + " (got " + value + ")"});
        }
    }

    private static void list(List<String[]> e, String field, String value) {
        if (value != null && !CPU_LIST.matcher(value).matches()) {
            e.add(new String[] {field, "must be a list like 0-1,3 (got \"" + Names.printable(value) + "\")"});
        }
    }
}
