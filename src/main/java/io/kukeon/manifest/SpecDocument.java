package io.kukeon.manifest;

import io.kukeon.model.CellSpec;
import io.kukeon.model.EgressPolicy;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.Resources;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.TreeObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code spec} of an object as a manifest writes it: the reference's field names, unset fields left out. */
final class SpecDocument {
    private SpecDocument() {}

    static Map<String, Object> of(TreeObject o) {
        Map<String, Object> spec = new LinkedHashMap<>();
        ObjectPath p = o.path();
        String[] parentKeys = {"realmId", "spaceId", "stackId", "cellId"};
        if (o instanceof TreeObject.Container) {
            spec.put("id", p.name());
        }
        for (int i = 0; i < p.segments().size() - 1; i++) {
            spec.put(parentKeys[i], p.segments().get(i));
        }
        if (o instanceof TreeObject.Realm r) {
            realm(spec, r.spec());
        } else if (o instanceof TreeObject.Space s) {
            put(spec, "cniConfigPath", s.spec().cniConfigPath());
            put(spec, "resources", resources(s.spec().resources()));
            if (!s.spec().egress().equals(EgressPolicy.ALLOW_ALL)) {   // no policy and {default: allow} are the same
                spec.put("network", Map.of("egress", s.spec().egress().toMap()));
            }
        } else if (o instanceof TreeObject.Stack s) {
            put(spec, "resources", resources(s.spec().resources()));
        } else if (o instanceof TreeObject.Cell c) {
            cell(spec, c.spec());
        } else if (o instanceof TreeObject.Container c) {
            container(spec, c.spec(), false);
        }
        return spec;
    }

    private static void realm(Map<String, Object> spec, RealmSpec r) {
        put(spec, "namespace", r.namespace());
        List<Object> creds = new ArrayList<>();
        for (RegistryCredential c : r.registryCredentials()) {
            Map<String, Object> m = new LinkedHashMap<>();
            put(m, "username", c.username());
            put(m, "password", c.password());
            put(m, "serverAddress", c.serverAddress());
            creds.add(m);
        }
        put(spec, "registryCredentials", creds);
        put(spec, "resources", resources(r.resources()));
    }

    private static void cell(Map<String, Object> spec, CellSpec c) {
        put(spec, "rootContainerId", c.rootContainerId());
        if (c.autoDelete()) {
            spec.put("autoDelete", true);
        }
        List<Object> containers = new ArrayList<>();
        for (ContainerSpec cs : c.containers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            container(m, cs, true);
            containers.add(m);
        }
        spec.put("containers", containers);
        put(spec, "resources", resources(c.resources()));
    }

    private static void container(Map<String, Object> m, ContainerSpec c, boolean withId) {
        if (withId) {
            put(m, "id", c.id());
        }
        if (c.root()) {
            m.put("root", true);
        }
        put(m, "image", c.image());
        put(m, "command", c.command());
        put(m, "args", c.args());
        put(m, "env", c.env());
        put(m, "workingDir", c.workingDir());
        put(m, "user", c.user());
        if (c.restartPolicy() != RestartPolicy.NEVER) {
            m.put("restartPolicy", c.restartPolicy().wire());
        }
        put(m, "restartBackoffSeconds", c.restartBackoffSeconds());
        put(m, "restartMaxRetries", c.restartMaxRetries());
        put(m, "resources", resources(c.resources()));
        if (c.hostNetwork()) {
            m.put("hostNetwork", true);
        }
        put(m, "ports", c.ports());
        List<Object> secrets = new ArrayList<>();
        for (ContainerSecret cs : c.secrets()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            put(sm, "name", cs.name());
            put(sm, "fromFile", cs.fromFile());
            put(sm, "fromEnv", cs.fromEnv());
            put(sm, "mountPath", cs.mountPath());
            if (cs.secretRef() != null) {
                Map<String, Object> ref = new LinkedHashMap<>();
                put(ref, "name", cs.secretRef().name());
                put(ref, "realm", cs.secretRef().realm());
                put(ref, "space", cs.secretRef().space());
                put(ref, "stack", cs.secretRef().stack());
                put(ref, "cell", cs.secretRef().cell());
                sm.put("secretRef", ref);
            }
            secrets.add(sm);
        }
        put(m, "secrets", secrets);
    }

    static Map<String, Object> resources(Resources r) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (r == null) {
            return m;
        }
        put(m, "memoryLimitBytes", r.memoryLimitBytes());
        put(m, "cpuShares", r.cpuShares());
        put(m, "pidsLimit", r.pidsLimit());
        if (r.cpu() != null) {
            Map<String, Object> cpu = new LinkedHashMap<>();
            put(cpu, "weight", r.cpu().weight());
            put(cpu, "quotaMicros", r.cpu().quotaMicros());
            put(cpu, "periodMicros", r.cpu().periodMicros());
            put(cpu, "cpus", r.cpu().cpus());
            put(cpu, "mems", r.cpu().mems());
            put(m, "cpu", cpu);
        }
        if (r.memory() != null) {
            Map<String, Object> mem = new LinkedHashMap<>();
            put(mem, "min", r.memory().min());
            put(mem, "low", r.memory().low());
            put(mem, "high", r.memory().high());
            put(mem, "max", r.memory().max());
            put(mem, "swapMax", r.memory().swapMax());
            put(m, "memory", mem);
        }
        if (r.io() != null) {
            Map<String, Object> io = new LinkedHashMap<>();
            put(io, "weight", r.io().weight());
            List<Object> max = new ArrayList<>();
            for (Resources.IoLimit l : r.io().max()) {
                Map<String, Object> lm = new LinkedHashMap<>();
                put(lm, "device", l.device());
                put(lm, "rbps", l.rbps());
                put(lm, "wbps", l.wbps());
                put(lm, "riops", l.riops());
                put(lm, "wiops", l.wiops());
                max.add(lm);
            }
            put(io, "max", max);
            put(m, "io", io);
        }
        if (r.pids() != null) {
            Map<String, Object> pids = new LinkedHashMap<>();
            put(pids, "max", r.pids().max());
            put(m, "pids", pids);
        }
        return m;
    }

    /** Puts a value unless it is unset: null, an empty string, list or map (Go's omitempty). */
    static void put(Map<String, Object> m, String key, Object value) {
        if (value == null || (value instanceof String s && s.isEmpty()) || (value instanceof List<?> l && l.isEmpty())
                || (value instanceof Map<?, ?> mm && mm.isEmpty())) {
            return;
        }
        m.put(key, value);
    }
}
