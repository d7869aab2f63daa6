package io.kukeon.manifest;

import io.kukeon.model.CellSpec;
import io.kukeon.model.EgressPolicy;
import io.kukeon.model.ContainerDefaults;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.ContainerSecurity;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.MountRules;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.Provenance;
import io.kukeon.model.TemplateRef;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.Resources;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.TmpfsMount;
import io.kukeon.model.TreeObject;
import io.kukeon.model.VolumeMount;

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
            if (!s.spec().containerDefaults().isEmpty()) {
                spec.put("defaults", Map.of("container", containerDefaults(s.spec().containerDefaults())));
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
        if (c.nestedCgroupRuntime()) {
            spec.put("nestedCgroupRuntime", true);
        }
        if (c.ttyDefault() != null) {
            spec.put("tty", new LinkedHashMap<>(Map.of("default", c.ttyDefault())));
        }
        put(spec, "node", c.node());
        put(spec, "nodeSelector", new LinkedHashMap<>(c.nodeSelector()));
        put(spec, "reschedule", c.reschedule());
        List<Object> containers = new ArrayList<>();
        for (ContainerSpec cs : c.containers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            container(m, cs, true);
            containers.add(m);
        }
        spec.put("containers", containers);
        put(spec, "resources", resources(c.resources()));
        if (c.provenance() != null) {
            spec.put("provenance", provenance(c.provenance()));
        }
    }

    private static Map<String, Object> provenance(Provenance p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bindingKind", p.bindingKind());
        m.put("bindingRef", templateRef(p.bindingRef()));
        put(m, "params", new LinkedHashMap<>(p.params()));
        put(m, "envOverrides", p.envOverrides());
        return m;
    }

    /** A CellBlueprint or CellConfig named from elsewhere: its name, then the coordinates given. */
    static Map<String, Object> templateRef(TemplateRef r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        put(m, "realm", r.realm());
        put(m, "space", r.space());
        put(m, "stack", r.stack());
        return m;
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
        security(m, c.security());
        put(m, "volumes", c.volumes().stream().map(SpecDocument::volume).toList());
        put(m, "tmpfs", c.tmpfs().stream().map(SpecDocument::tmpfs).toList());
        put(m, "secrets", c.secrets().stream().map(SpecDocument::secret).toList());
        put(m, "logMaxSizeBytes", c.logs().maxSizeBytes());
        put(m, "logMaxFiles", c.logs().maxFiles());
        if (c.attachable()) {
            m.put("attachable", true);
        }
    }

    private static Map<String, Object> volume(VolumeMount v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", v.kind().wire());
        put(m, "source", v.source());
        put(m, "target", v.target());
        if (v.readOnly()) {
            m.put("readOnly", true);
        }
        put(m, "sizeBytes", v.sizeBytes());
        put(m, "mode", v.mode() == null ? null : MountRules.octal(v.mode()));
        if (v.ensure()) {
            m.put("ensure", true);
        }
        if (v.volumeRef() != null) {
            Map<String, Object> ref = new LinkedHashMap<>();
            put(ref, "name", v.volumeRef().name());
            put(ref, "realm", v.volumeRef().realm());
            put(ref, "space", v.volumeRef().space());
            put(ref, "stack", v.volumeRef().stack());
            m.put("volumeRef", ref);
        }
        return m;
    }

    private static Map<String, Object> tmpfs(TmpfsMount t) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "path", t.path());
        put(m, "sizeBytes", t.sizeBytes());
        put(m, "options", t.options());
        return m;
    }

    private static Map<String, Object> secret(ContainerSecret s) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "name", s.name());
        put(m, "fromFile", s.fromFile());
        put(m, "fromEnv", s.fromEnv());
        put(m, "mountPath", s.mountPath());
        if (s.secretRef() != null) {
            Map<String, Object> ref = new LinkedHashMap<>();
            put(ref, "name", s.secretRef().name());
            put(ref, "realm", s.secretRef().realm());
            put(ref, "space", s.secretRef().space());
            put(ref, "stack", s.secretRef().stack());
            put(ref, "cell", s.secretRef().cell());
            m.put("secretRef", ref);
        }
        return m;
    }

    private static Map<String, Object> containerDefaults(ContainerDefaults d) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "user", d.user());
        security(m, d.asSecurity());
        put(m, "tmpfs", d.tmpfs().stream().map(SpecDocument::tmpfs).toList());
        put(m, "resources", resources(d.resources()));
        return m;
    }

    private static void security(Map<String, Object> m, ContainerSecurity s) {
        if (s.privileged()) {
            m.put("privileged", true);
        }
        if (s.hostPID()) {
            m.put("hostPID", true);
        }
        if (s.hostCgroup()) {
            m.put("hostCgroup", true);
        }
        if (s.readOnlyRootFilesystem()) {
            m.put("readOnlyRootFilesystem", true);
        }
        Map<String, Object> caps = new LinkedHashMap<>();
        put(caps, "add", s.capabilities().add());
        put(caps, "drop", s.capabilities().drop());
        put(m, "capabilities", caps);
        put(m, "securityOpts", s.securityOpts());
        put(m, "devices", s.devices());
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
