package io.kukeon.manifest;

import io.kukeon.model.CellNetworkStatus;
import io.kukeon.model.CellStatus;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.LevelStatus;
import io.kukeon.model.TreeObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.kukeon.manifest.SpecDocument.put;

/** The {@code status} of an object as {@code get -o yaml|json} shows it; a manifest reads it as output, asking for nothing. */
final class StatusDocument {
    private StatusDocument() {}

    /** Null when the object carries no status. */
    static Map<String, Object> of(TreeObject o) {
        if (o instanceof TreeObject.Realm r && r.status() != null) {
            return level(r.status());
        } else if (o instanceof TreeObject.Space s && s.status() != null) {
            return level(s.status());
        } else if (o instanceof TreeObject.Stack s && s.status() != null) {
            return level(s.status());
        } else if (o instanceof TreeObject.Cell c && c.status() != null) {
            return cell(c.status());
        } else if (o instanceof TreeObject.Container c && c.status() != null) {
            return container(c.status());
        }
        return null;
    }

    private static Map<String, Object> level(LevelStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "state", s.state() == null ? null : s.state().name());
        put(m, "reason", s.reason());
        put(m, "message", s.message());
        group(m, s.cgroup());
        if (s.namespaceReady() != null) {
            m.put("containerdNamespaceReady", s.namespaceReady());
        }
        put(m, "namespace", s.namespace());
        times(m, s.createdAt(), s.updatedAt(), s.readyAt());
        if (s.observedGeneration() != 0) {
            m.put("observedGeneration", s.observedGeneration());
        }
        return m;
    }

    private static Map<String, Object> cell(CellStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "state", s.state() == null ? null : s.state().name());
        put(m, "reason", s.reason());
        put(m, "message", s.message());
        group(m, s.cgroup());
        network(m, s.network());
        List<Object> containers = new ArrayList<>();
        s.containers().forEach(c -> containers.add(container(c)));
        put(m, "containers", containers);
        m.put("readyObserved", s.readyObserved());
        if (s.sync() != null) {   // the reference's keys
            m.put("outOfSync", s.sync().outOfSync());
            put(m, "outOfSyncReason", s.sync().reason());
            put(m, "outOfSyncError", s.sync().message());
        }
        times(m, s.createdAt(), s.updatedAt(), s.readyAt());
        if (s.observedGeneration() != 0) {
            m.put("observedGeneration", s.observedGeneration());
        }
        return m;
    }

    private static Map<String, Object> container(ContainerStatus c) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "name", c.name());
        put(m, "containerdId", c.containerdId());
        put(m, "state", c.state() == null ? null : c.state().name());
        put(m, "pid", c.pid());
        m.put("restartCount", c.restartCount());
        put(m, "startTime", time(c.startTime()));
        put(m, "finishTime", time(c.finishTime()));
        put(m, "exitCode", c.exitCode());
        put(m, "exitSignal", c.exitSignal());
        if (c.oomKilled()) {
            m.put("oomKilled", true);
        }
        put(m, "reason", c.reason());
        put(m, "message", c.message());
        put(m, "nextRestartAt", time(c.nextRestartAt()));
        put(m, "logPath", c.logPath());
        put(m, "cgroupPath", c.cgroupPath());
        put(m, "image", c.image());
        if (c.pull() != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("doneBytes", c.pull().doneBytes());
            p.put("totalBytes", c.pull().totalBytes());
            m.put("pull", p);
        }
        usage(m, c.usage());
        return m;
    }

    private static void group(Map<String, Object> m, GroupStatus g) {
        if (g == null) {
            return;
        }
        put(m, "cgroupPath", g.path());
        m.put("cgroupReady", g.ready());
        put(m, "subtreeControllers", g.controllers());
        List<Object> notApplied = new ArrayList<>();
        for (GroupStatus.NotApplied n : g.notApplied()) {
            Map<String, Object> nm = new LinkedHashMap<>();
            put(nm, "field", n.field());
            put(nm, "reason", n.reason());
            notApplied.add(nm);
        }
        put(m, "notApplied", notApplied);
        usage(m, g.usage());
    }

    /** The reference's key for the bridge ({@code status.network.bridgeName}); the address keys are ours. */
    private static void network(Map<String, Object> m, CellNetworkStatus n) {
        if (n == null) {
            return;
        }
        Map<String, Object> net = new LinkedHashMap<>();
        put(net, "address", n.address());
        net.put("prefixLength", n.prefixLength());
        put(net, "gateway", n.gateway());
        put(net, "bridgeName", n.bridge());
        m.put("network", net);
    }

    private static void usage(Map<String, Object> m, GroupStatus.Usage usage) {
        if (usage != null) {
            Map<String, Object> u = new LinkedHashMap<>();
            put(u, "memoryBytes", usage.memoryBytes());
            put(u, "cpuMicros", usage.cpuMicros());
            put(u, "pids", usage.pids());
            put(u, "oomKills", usage.oomKills());
            put(u, "memoryLimitBytes", usage.memoryLimitBytes());
            put(u, "blockReadBytes", usage.blockReadBytes());
            put(u, "blockWriteBytes", usage.blockWriteBytes());
            put(m, "usage", u);
        }
    }

    private static void times(Map<String, Object> m, Instant created, Instant updated, Instant ready) {
        put(m, "createdAt", time(created));
        put(m, "updatedAt", time(updated));
        put(m, "readyAt", time(ready));
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
