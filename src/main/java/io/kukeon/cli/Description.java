package io.kukeon.cli;

import io.kukeon.model.EgressPolicy;
import io.kukeon.model.Kind;
import io.kukeon.model.Resources;
import io.kukeon.model.Sizes;
import io.kukeon.wire.ResourcesMapping;
import io.kukeon.wire.SpecMapping;
import io.kukeon.wire.v1.CellNetworkStatus;
import io.kukeon.wire.v1.ContainerSecret;
import io.kukeon.wire.v1.ContainerSpec;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.GroupStatus;
import io.kukeon.wire.v1.ObjectDoc;
import io.kukeon.wire.v1.SecretInfo;
import io.kukeon.wire.v1.Status;
import io.kukeon.wire.v1.VolumeInfo;
import io.kukeon.wire.v1.VolumeMount;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@code kuke describe} prints of one object, in sections as {@code kubectl describe} does: what
 * it is, its spec in words, status and reason, its cgroup's usage against its limits, its containers,
 * its network, what it holds or uses, and its last events. Pure: everything it shows is passed in.
 *
 * @param object     the object, as Get answers it
 * @param containers a cell's containers (a container: itself), each as Get answers it (live usage while running)
 * @param space      a cell's space (its egress policy), null otherwise
 * @param children   a realm's spaces, a space's stacks, a stack's cells
 * @param secrets    the secrets a realm, space or stack holds itself
 * @param volumes    the volumes a realm, space or stack holds itself
 * @param events     the object's events (a cell's: its containers' too), oldest first
 * @param leftOut    older events not passed in (the daemon left them out, or only the newest were kept)
 */
record Description(ObjectDoc object, List<ObjectDoc> containers, ObjectDoc space, List<ObjectDoc> children,
                   List<SecretInfo> secrets, List<VolumeInfo> volumes, List<Event> events, long leftOut) {
    /** The events shown, the newest. */
    static final int EVENTS_SHOWN = 20;
    /** The event type of a container's exit, whose summary says how it ended. */
    static final String EXIT_EVENT = "ContainerTaskExited";
    private static final int KEY_WIDTH = 18;

    Description {
        containers = List.copyOf(containers);
        children = List.copyOf(children);
        secrets = List.copyOf(secrets);
        volumes = List.copyOf(volumes);
        events = List.copyOf(events);
    }

    String render(Instant now) {
        Kind kind = Kind.parse("kind", object.getKind());
        Status status = object.getStatus();
        Text t = new Text();
        t.field(0, "Name", object.getMetadata().getName().isEmpty() ? last(object.getPath()) : object.getMetadata().getName());
        t.field(0, "Kind", object.getKind());
        t.field(0, "Path", object.getPath());
        if (!object.getNode().isEmpty()) {
            t.field(0, "Node", object.getNode());
        }
        t.field(0, "Labels", pairs(object.getMetadata().getLabelsMap()));
        if (object.getMetadata().getAnnotationsCount() > 0) {
            t.field(0, "Annotations", pairs(object.getMetadata().getAnnotationsMap()));
        }
        t.field(0, "State", dash(status.getState()));
        t.optional(0, "Reason", status.getReason());
        t.optional(0, "Message", status.getMessage());
        t.optional(0, "Created", status.getCreatedAt().isEmpty() ? "" : when(status.getCreatedAt(), now));
        t.optional(0, "Ready since", status.getReadyAt().isEmpty() ? "" : when(status.getReadyAt(), now));
        switch (kind) {
            case REALM -> realm(t);
            case SPACE -> space(t);
            case CELL -> cellSpec(t);
            default -> { }
        }
        if (kind != Kind.CONTAINER) {
            t.field(0, "Resources", limits(resourcesOf(object)));
            t.field(0, "Cgroup", cgroup(status.getCgroup()));
        }
        if (kind == Kind.CELL) {
            network(t);
        }
        if (kind == Kind.REALM || kind == Kind.SPACE || kind == Kind.STACK) {
            held(t, kind);
        }
        if (kind == Kind.CELL || kind == Kind.CONTAINER) {
            t.heading(0, kind == Kind.CELL ? "Containers" : "Container");
            for (ObjectDoc c : containers) {
                container(t, c, now);
            }
        }
        events(t);
        return t.toString();
    }

    private void realm(Text t) {
        Status s = object.getStatus();
        t.field(0, "Namespace", dash(s.getNamespace()) + (s.hasNamespaceReady() ? s.getNamespaceReady() ? " (ready)" : " (not ready)" : ""));
        List<String> servers = object.getRealm().getRegistryCredentialsList().stream()
                .map(c -> c.getServerAddress().isEmpty() ? "(any)" : c.getServerAddress()).toList();
        t.field(0, "Registry logins", servers.isEmpty() ? "<none>" : String.join(", ", servers));
    }

    private void space(Text t) {
        t.field(0, "Egress", egress(SpecMapping.fromProto(object.getSpace()).egress()));
        t.field(0, "CNI config", object.getSpace().getCniConfigPath().isEmpty() ? "kukeond's own"
                : object.getSpace().getCniConfigPath());
    }

    private void cellSpec(Text t) {
        var spec = object.getCell();
        List<String> words = new ArrayList<>();
        words.add(spec.getContainersCount() + " container" + (spec.getContainersCount() == 1 ? "" : "s"));
        if (!spec.getRootContainerId().isEmpty()) {
            words.add("root \"" + spec.getRootContainerId() + "\"");
        }
        if (spec.getAutoDelete()) {
            words.add("deleted when its containers end");
        }
        if (spec.getNestedCgroupRuntime()) {
            words.add("containers may run a cgroup manager of their own");
        }
        if (!spec.getNode().isEmpty()) {
            words.add("runs on node " + spec.getNode());
        }
        if (spec.getNodeSelectorCount() > 0) {
            words.add("runs on a node labelled " + new java.util.TreeMap<>(spec.getNodeSelectorMap()).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        }
        if (spec.hasReschedule()) {
            words.add(spec.getReschedule() ? "moves to another node when its node is downed"
                    : "stays with its node when it is downed");
        }
        if (spec.hasProvenance()) {
            words.add("made from " + spec.getProvenance().getBindingKind() + " \""
                    + spec.getProvenance().getBindingRef().getName() + "\"");
        }
        t.field(0, "Spec", String.join("; ", words));
        if (object.getStatus().hasSync()) {
            var sync = object.getStatus().getSync();
            t.field(0, "Template", sync.getOutOfSync() ? "out of sync (" + sync.getReason() + "): " + sync.getMessage() : "in sync");
        }
    }

    /** A cell's place on its space's network: its address, the ports it publishes, what it may reach. */
    private void network(Text t) {
        var spec = object.getCell();
        t.heading(0, "Network");
        boolean hostNetwork = spec.getContainersList().stream().anyMatch(ContainerSpec::getHostNetwork);
        CellNetworkStatus net = object.getStatus().getNetwork();
        t.field(1, "Address", hostNetwork ? "the host's network" : !object.getStatus().hasNetwork() ? "<none> (not running)"
                : net.getAddress() + "/" + net.getPrefixLength() + " via " + net.getGateway() + " on " + net.getBridge());
        List<String> ports = new ArrayList<>();
        for (ContainerSpec c : spec.getContainersList()) {
            c.getPortsList().forEach(p -> ports.add(p + " (" + c.getId() + ")"));
        }
        t.field(1, "Ports", ports.isEmpty() ? "<none>" : String.join(", ", ports));
        if (space != null && !hostNetwork) {
            t.field(1, "Egress", egress(SpecMapping.fromProto(space.getSpace()).egress()) + " (space \"" + last(space.getPath()) + "\")");
        }
    }

    private void container(Text t, ObjectDoc doc, Instant now) {
        ContainerSpec spec = doc.getContainer();
        ContainerStatus s = doc.getStatus().getContainer();
        t.heading(1, last(doc.getPath()) + (spec.getRoot() ? " (root)" : ""));
        t.field(2, "Image", dash(spec.getImage()) + (s.getImage().isEmpty() || s.getImage().equals(spec.getImage()) ? ""
                : " (" + s.getImage() + ")"));
        t.optional(2, "Command", command(spec));
        t.field(2, "State", dash(doc.getStatus().getState()) + (s.getPid() > 0 ? ", pid " + s.getPid() : "")
                + (s.getStartTime().isEmpty() ? "" : ", started " + when(s.getStartTime(), now)));
        t.optional(2, "Reason", s.getReason().isEmpty() ? "" : s.getReason() + (s.getMessage().isEmpty() ? "" : ": " + s.getMessage()));
        t.field(2, "Restarts", s.getRestartCount() + " (policy " + (spec.getRestartPolicy().isEmpty() ? "never" : spec.getRestartPolicy())
                + (s.getNextRestartAt().isEmpty() ? "" : ", next " + s.getNextRestartAt()) + ")");
        t.field(2, "Last exit", lastExit(doc, now));
        GroupStatus.Usage usage = s.getUsage();
        t.field(2, "OOM kills", usage.hasOomKills() ? String.valueOf(usage.getOomKills()) : s.getOomKilled() ? "the last exit" : "-");
        Resources limits = ResourcesMapping.fromProto(spec.getResources());
        t.field(2, "Memory", used(usage.hasMemoryBytes() ? usage.getMemoryBytes() : null, limits.memoryMax(), true));
        t.field(2, "Pids", used(usage.hasPids() ? usage.getPids() : null, limits.pidsMax(), false));
        t.field(2, "CPU", (usage.hasCpuMicros() ? seconds(usage.getCpuMicros()) + " used" : "-") + cpuLimit(limits));
        List<String> mounts = spec.getVolumesList().stream().map(Description::mount).collect(Collectors.toList());
        spec.getTmpfsList().forEach(m -> mounts.add(m.getPath() + ": tmpfs"));
        t.field(2, "Volumes", mounts.isEmpty() ? "<none>" : String.join(", ", mounts));
        List<String> secretsUsed = spec.getSecretsList().stream().map(Description::secret).toList();
        t.field(2, "Secrets", secretsUsed.isEmpty() ? "<none>" : String.join(", ", secretsUsed));
    }

    /** How the container last ended: its status while it shows one, else the last exit its events hold. */
    private String lastExit(ObjectDoc doc, Instant now) {
        ContainerStatus s = doc.getStatus().getContainer();
        if (s.hasExitCode()) {
            return "code " + s.getExitCode() + (s.getOomKilled() ? " (OOMKilled)" : "")
                    + (s.getFinishTime().isEmpty() ? "" : " at " + when(s.getFinishTime(), now));
        }
        Optional<Event> exit = events.stream().filter(e -> e.getType().equals(EXIT_EVENT) && e.getPath().equals(doc.getPath()))
                .reduce((first, second) -> second);
        return exit.map(e -> e.getSummary() + " at " + when(e.getTimestamp(), now)).orElse("<none>");
    }

    private void held(Text t, Kind kind) {
        Kind childKind = kind.child();
        t.field(0, childKind.displayName() + "s", children.isEmpty() ? "<none>" : children.stream()
                .map(c -> last(c.getPath()) + " (" + dash(c.getStatus().getState()) + ")").collect(Collectors.joining(", ")));
        t.field(0, "Secrets", secrets.isEmpty() ? "<none>" : secrets.stream()
                .map(s -> s.getName() + " (" + s.getSizeBytes() + "B)").collect(Collectors.joining(", ")));
        t.field(0, "Volumes", volumes.isEmpty() ? "<none>" : volumes.stream()
                .map(v -> v.getName() + " (" + v.getReclaimPolicy() + (v.getUsersCount() == 0 ? "" : "; used by "
                        + String.join(", ", v.getUsersList())) + ")").collect(Collectors.joining(", ")));
    }

    private void events(Text t) {
        long older = leftOut + Math.max(0, events.size() - EVENTS_SHOWN);
        t.heading(0, "Events" + (older > 0 ? " (the last " + EVENTS_SHOWN + "; " + older + " older)" : ""));
        if (events.isEmpty()) {
            t.line(1, "<none>");
            return;
        }
        Table table = new Table(List.of("TIME", "OBJECT", "TYPE", "SUMMARY"));
        for (Event e : events.subList(Math.max(0, events.size() - EVENTS_SHOWN), events.size())) {
            String path = e.getPath().equals(object.getPath()) ? "." : e.getPath().substring(object.getPath().length() + 1);
            table.add(List.of(dash(e.getTimestamp()), path, e.getType(), ErrorLine.oneLine(e.getSummary())));
        }
        table.render().lines().forEach(l -> t.line(1, l));
    }

    private static Resources resourcesOf(ObjectDoc d) {
        io.kukeon.wire.v1.Resources r = switch (d.getSpecCase()) {
            case REALM -> d.getRealm().getResources();
            case SPACE -> d.getSpace().getResources();
            case STACK -> d.getStack().getResources();
            case CELL -> d.getCell().getResources();
            default -> io.kukeon.wire.v1.Resources.getDefaultInstance();
        };
        return ResourcesMapping.fromProto(r);
    }

    /** {@code memory.max 64.0 MiB, pids.max 64, cpu.max 50000/100000 µs}: the limits a level sets itself. */
    static String limits(Resources r) {
        List<String> words = new ArrayList<>();
        if (r.memoryMax() != null) {
            words.add("memory.max " + Sizes.of(r.memoryMax()));
        }
        if (r.pidsMax() != null) {
            words.add("pids.max " + r.pidsMax());
        }
        String cpu = cpuLimit(r);
        if (!cpu.isEmpty()) {
            words.add(cpu.substring(2));
        }
        return words.isEmpty() ? "<none>" : String.join(", ", words);
    }

    /** {@code , cpu.max 50000/100000 µs, cpu.weight 100, cpuset 0-1}, empty when none is set. */
    private static String cpuLimit(Resources r) {
        StringBuilder out = new StringBuilder();
        Resources.Cpu cpu = r.cpu();
        if (cpu != null && cpu.quotaMicros() != null) {
            out.append(", cpu.max ").append(cpu.quotaMicros()).append('/')
                    .append(cpu.periodMicros() == null ? 100_000 : cpu.periodMicros()).append(" µs");
        }
        if (r.cpuWeight() != null) {
            out.append(", cpu.weight ").append(r.cpuWeight());
        }
        if (cpu != null && cpu.cpus() != null && !cpu.cpus().isEmpty()) {
            out.append(", cpuset ").append(cpu.cpus());
        }
        return out.toString();
    }

    /** {@code 1.2 MiB of 64.0 MiB}: usage against the limit; {@code -} for what was not read. */
    static String used(Long usage, Long limit, boolean bytes) {
        String u = usage == null ? "-" : bytes ? Sizes.of(usage) : String.valueOf(usage);
        String l = limit == null ? "no limit" : bytes ? Sizes.of(limit) : String.valueOf(limit);
        return u + " of " + l;
    }

    static String cgroup(GroupStatus g) {
        if (g.getPath().isEmpty()) {
            return "<none>";
        }
        GroupStatus.Usage u = g.getUsage();
        List<String> words = new ArrayList<>(List.of(g.getPath()));
        if (u.hasMemoryBytes()) {
            words.add("memory " + Sizes.of(u.getMemoryBytes()));
        }
        if (u.hasCpuMicros()) {
            words.add("cpu " + seconds(u.getCpuMicros()));
        }
        if (u.hasPids()) {
            words.add("pids " + u.getPids());
        }
        if (u.hasOomKills()) {
            words.add("OOM kills " + u.getOomKills());
        }
        g.getNotAppliedList().forEach(n -> words.add("not applied: " + n.getField() + " (" + n.getReason() + ")"));
        return String.join(", ", words);
    }

    /** {@code deny; allows 10.0.0.0/8 ports 443, example.com} */
    static String egress(EgressPolicy p) {
        if (p.allow().isEmpty()) {
            return p.defaultAction().word();
        }
        return p.defaultAction().word() + "; allows " + p.allow().stream().map(a -> (a.host() != null ? a.host() : a.cidr())
                + (a.ports().isEmpty() ? "" : " ports " + a.ports().stream().map(String::valueOf).collect(Collectors.joining(","))))
                .collect(Collectors.joining(", "));
    }

    private static String command(ContainerSpec spec) {
        List<String> words = new ArrayList<>();
        if (!spec.getCommand().isEmpty()) {
            words.add(spec.getCommand());
        }
        spec.getArgsList().forEach(a -> words.add(a.isEmpty() || a.chars().anyMatch(Character::isWhitespace) ? "\"" + a + "\"" : a));
        return Sizes.cut(String.join(" ", words), 200);
    }

    private static String mount(VolumeMount m) {
        String ro = m.getReadOnly() ? " (ro)" : "";
        return switch (m.getKind()) {
            case "volume" -> m.getTarget() + ": volume " + m.getVolumeRef().getName()
                    + (m.getSource().isEmpty() ? "" : "/" + m.getSource()) + ro;
            case "tmpfs" -> m.getTarget() + ": tmpfs";
            default -> m.getTarget() + ": " + m.getSource() + ro;
        };
    }

    private static String secret(ContainerSecret s) {
        String from = s.hasSecretRef() ? "secret " + s.getSecretRef().getName()
                : !s.getFromFile().isEmpty() ? "file " + s.getFromFile() : "env " + s.getFromEnv();
        return (s.getMountPath().isEmpty() ? "$" + s.getName() : s.getMountPath()) + " from " + from;
    }

    private static String seconds(long micros) {
        return String.format(java.util.Locale.ROOT, "%.2f s", micros / 1_000_000.0);
    }

    private static String when(String rfc3339, Instant now) {
        return rfc3339.isEmpty() ? "-" : rfc3339 + " (" + Age.since(rfc3339, now) + " ago)";
    }

    private static String pairs(Map<String, String> map) {
        return map.isEmpty() ? "<none>" : new java.util.TreeMap<>(map).entrySet().stream()
                .map(e -> e.getKey() + "=" + ErrorLine.oneLine(e.getValue())).collect(Collectors.joining(", "));
    }

    private static String last(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }

    /** Lines of {@code Key:  value}, keys padded to one column, two spaces a level of indent. */
    private static final class Text {
        private final StringBuilder out = new StringBuilder();

        void field(int indent, String key, String value) {
            String k = "  ".repeat(indent) + key + ":";
            out.append(k).append(" ".repeat(Math.max(1, KEY_WIDTH - k.length()))).append(value).append('\n');
        }

        /** A field only when it has a value (a reason, a message). */
        void optional(int indent, String key, String value) {
            if (!value.isEmpty()) {
                field(indent, key, ErrorLine.oneLine(value));
            }
        }

        void heading(int indent, String title) {
            out.append("  ".repeat(indent)).append(title).append(":\n");
        }

        void line(int indent, String text) {
            out.append("  ".repeat(indent)).append(text).append('\n');
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
