package io.kukeon.wire;

import io.kukeon.model.Resources;

import java.util.ArrayList;
import java.util.List;

/** {@link Resources} ⇄ its protobuf message. Unset stays unset both ways. */
public final class ResourcesMapping {
    private ResourcesMapping() {}

    public static io.kukeon.wire.v1.Resources toProto(Resources r) {
        io.kukeon.wire.v1.Resources.Builder b = io.kukeon.wire.v1.Resources.newBuilder();
        if (r == null) {
            return b.build();
        }
        if (r.memoryLimitBytes() != null) b.setMemoryLimitBytes(r.memoryLimitBytes());
        if (r.cpuShares() != null) b.setCpuShares(r.cpuShares());
        if (r.pidsLimit() != null) b.setPidsLimit(r.pidsLimit());
        if (r.cpu() != null) {
            Resources.Cpu c = r.cpu();
            var cb = io.kukeon.wire.v1.Resources.Cpu.newBuilder();
            if (c.weight() != null) cb.setWeight(c.weight());
            if (c.quotaMicros() != null) cb.setQuotaMicros(c.quotaMicros());
            if (c.periodMicros() != null) cb.setPeriodMicros(c.periodMicros());
            if (c.cpus() != null) cb.setCpus(c.cpus());
            if (c.mems() != null) cb.setMems(c.mems());
            b.setCpu(cb);
        }
        if (r.memory() != null) {
            Resources.Memory m = r.memory();
            var mb = io.kukeon.wire.v1.Resources.Memory.newBuilder();
            if (m.min() != null) mb.setMin(m.min());
            if (m.low() != null) mb.setLow(m.low());
            if (m.high() != null) mb.setHigh(m.high());
            if (m.max() != null) mb.setMax(m.max());
            if (m.swapMax() != null) mb.setSwapMax(m.swapMax());
            b.setMemory(mb);
        }
        if (r.io() != null) {
            var ib = io.kukeon.wire.v1.Resources.Io.newBuilder();
            if (r.io().weight() != null) ib.setWeight(r.io().weight());
            for (Resources.IoLimit l : r.io().max()) {
                var lb = io.kukeon.wire.v1.Resources.IoLimit.newBuilder().setDevice(nz(l.device()));
                if (l.rbps() != null) lb.setRbps(l.rbps());
                if (l.wbps() != null) lb.setWbps(l.wbps());
                if (l.riops() != null) lb.setRiops(l.riops());
                if (l.wiops() != null) lb.setWiops(l.wiops());
                ib.addMax(lb);
            }
            b.setIo(ib);
        }
        if (r.pids() != null && r.pids().max() != null) {
            b.setPids(io.kukeon.wire.v1.Resources.Pids.newBuilder().setMax(r.pids().max()));
        }
        return b.build();
    }

    public static Resources fromProto(io.kukeon.wire.v1.Resources p) {
        if (p == null) {
            return Resources.NONE;
        }
        Resources.Cpu cpu = null;
        if (p.hasCpu()) {
            var c = p.getCpu();
            cpu = new Resources.Cpu(c.hasWeight() ? c.getWeight() : null, c.hasQuotaMicros() ? c.getQuotaMicros() : null,
                    c.hasPeriodMicros() ? c.getPeriodMicros() : null, blankToNull(c.getCpus()), blankToNull(c.getMems()));
        }
        Resources.Memory memory = null;
        if (p.hasMemory()) {
            var m = p.getMemory();
            memory = new Resources.Memory(m.hasMin() ? m.getMin() : null, m.hasLow() ? m.getLow() : null,
                    m.hasHigh() ? m.getHigh() : null, m.hasMax() ? m.getMax() : null,
                    m.hasSwapMax() ? m.getSwapMax() : null);
        }
        Resources.Io io = null;
        if (p.hasIo()) {
            List<Resources.IoLimit> limits = new ArrayList<>();
            for (var l : p.getIo().getMaxList()) {
                limits.add(new Resources.IoLimit(blankToNull(l.getDevice()), l.hasRbps() ? l.getRbps() : null,
                        l.hasWbps() ? l.getWbps() : null, l.hasRiops() ? l.getRiops() : null,
                        l.hasWiops() ? l.getWiops() : null));
            }
            io = new Resources.Io(p.getIo().hasWeight() ? p.getIo().getWeight() : null, limits);
        }
        Resources.Pids pids = p.hasPids() && p.getPids().hasMax() ? new Resources.Pids(p.getPids().getMax()) : null;
        Resources r = new Resources(p.hasMemoryLimitBytes() ? p.getMemoryLimitBytes() : null,
                p.hasCpuShares() ? p.getCpuShares() : null, p.hasPidsLimit() ? p.getPidsLimit() : null,
                cpu, memory, io, pids);
        return r.equals(Resources.NONE) ? Resources.NONE : r;
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }

    static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
