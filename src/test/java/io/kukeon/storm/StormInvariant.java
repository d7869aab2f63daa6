package io.kukeon.storm;

import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.network.EgressRulePlan;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.runtime.ObservedContainer;
import io.kukeon.runtime.TaskInfo;
import io.kukeon.wire.v1.ContainerSpec;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.ObjectDoc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The storm's invariant, checked on a settled {@link Observation} against the clients'
 * {@link Expectations}. Violations are returned as one line each.
 *
 * <ol type="a">
 * <li>Every space, stack and cell is one of the states the clients' answers allow: as last
 *     acknowledged (spec, and Ready/Stopped/Pending when the answer showed one), absent after an
 *     acknowledged delete, either way for a request in flight at the kill. Nothing else exists,
 *     and every object's parent exists.</li>
 * <li>containerd: a container record is made at a container's first start and removed only when
 *     the container (or its cell) is deleted ({@code ContainerRuntimeCalls.start/delete}); a stop
 *     removes the task, not the record. So the kukeon-labelled records in our namespaces are
 *     exactly the Container objects whose state is not NotCreated (never started); one that is
 *     Failed may have a record or not (its start may have failed before or after creating it).
 *     A running task belongs to a Container that is Ready, with the same pid and the command line
 *     its spec says, in a cell that is desired running (not Stopped or Pending); every Ready
 *     Container has a running task.</li>
 * <li>cgroups, in every hierarchy: a group at depth 1 to 4 under our root is a realm, space,
 *     stack or cell that exists, and each of those has its group; a group at depth 5 is the leaf
 *     of a container of that cell that has a task in containerd (runc makes it at task create and
 *     removes it at task delete); nothing is deeper. A running task's process sits in its leaf.</li>
 * <li>Nothing exists twice: no path listed twice, no two containerd records for one container,
 *     labels and IDs agree, a cell's Container objects are exactly its spec's containers.</li>
 * <li>Networks: every space has its config and its bridge, and nothing else has one; a cell whose
 *     root task runs holds exactly one lease of its space's network, the address its status shows,
 *     and has one link on its space's bridge (the host end of its veth) and one masquerade rule; no
 *     lease or masquerade rule belongs to a root that does not run; no two cells show one address;
 *     every space has its egress chain and no egress chain is without its space.</li>
 * </ol>
 */
final class StormInvariant {
    private final Expectations model;
    private final Observation seen;
    private final String cgroupRoot;
    private final List<String> out = new ArrayList<>();

    private StormInvariant(Expectations model, Observation seen, String cgroupRoot) {
        this.model = model;
        this.seen = seen;
        this.cgroupRoot = cgroupRoot;
    }

    static List<String> check(Expectations model, Observation seen, String cgroupRoot) {
        List<String> out = new ArrayList<>(acknowledged(model, seen));
        out.addAll(onHost(seen, cgroupRoot));
        return out;
    }

    /** (a) without the parents: the objects {@code seen} lists against what the clients were told. */
    static List<String> acknowledged(Expectations model, Observation seen) {
        StormInvariant check = new StormInvariant(model, seen, "");
        check.acknowledged();
        return check.out;
    }

    /**
     * (a)'s parents, (b) to (e): what the objects one daemon holds and its host must agree on,
     * whatever the clients were told (in a fleet, each node with its own host).
     */
    static List<String> onHost(Observation seen, String cgroupRoot) {
        StormInvariant check = new StormInvariant(null, seen, cgroupRoot);
        check.parents();
        check.containerd();
        check.cgroups();
        check.nothingTwice();
        check.networks();
        return check.out;
    }

    /** What an object looks like now, in the terms of {@link Possible}. */
    static Possible observed(Observation seen, ObjectPath path) {
        for (ObjectDoc d : seen.listed()) {
            if (d.getPath().equals(path.toString()) && d.getKind().equals(path.kind().displayName())) {
                return d.getKind().equals("Cell") ? Possible.cell(d) : Possible.SCOPE;
            }
        }
        return Possible.ABSENT;
    }

    // (e)
    private void networks() {
        Observation.Network net = seen.network();
        Set<String> spaces = new TreeSet<>();
        for (ObjectDoc space : seen.of("Space")) {
            ObjectPath p = ObjectPath.parse(space.getPath());
            spaces.add(SpaceNetwork.networkName(p.realm(), p.name()));
        }
        Map<String, String> bridgeOf = new HashMap<>();
        spaces.forEach(n -> bridgeOf.put(SpaceNetwork.bridgeName(n), n));
        for (String n : spaces) {
            if (!net.configs().contains(n)) {
                out.add("space network " + n + " has no config");
            }
            if (!net.bridges().containsKey(SpaceNetwork.bridgeName(n))) {
                out.add("space network " + n + " has no bridge " + SpaceNetwork.bridgeName(n));
            }
        }
        net.configs().stream().filter(n -> !spaces.contains(n)).forEach(n -> out.add("config of network " + n + " without its space"));
        net.bridges().keySet().stream().filter(b -> !bridgeOf.containsKey(b)).forEach(b -> out.add("bridge " + b + " without its space"));
        Set<String> chains = new TreeSet<>();
        for (ObjectDoc space : seen.of("Space")) {
            String chain = EgressRulePlan.chainOf(ObjectPath.parse(space.getPath()));
            chains.add(chain);
            if (!net.egressChains().contains(chain)) {
                out.add("space " + space.getPath() + " has no egress chain " + chain);
            }
        }
        net.egressChains().stream().filter(c -> !chains.contains(c)).forEach(c -> out.add("egress chain " + c + " without its space"));
        net.leases().keySet().stream().filter(n -> !spaces.contains(n) && !net.leases().get(n).isEmpty())
                .forEach(n -> out.add("leases of network " + n + " without its space: " + net.leases().get(n)));

        Map<String, Integer> runningRoots = new HashMap<>();
        Set<String> cellRoots = new HashSet<>();
        Map<String, String> shownAddress = new HashMap<>();
        for (ObjectDoc cell : seen.of("Cell")) {
            ObjectPath p = ObjectPath.parse(cell.getPath());
            String network = SpaceNetwork.networkName(p.realm(), p.nameAt(Kind.SPACE));
            String rootId = cell.getStatus().getContainersList().stream()
                    .filter(c -> c.getName().equals(rootName(cell))).map(ContainerStatus::getContainerdId).findFirst().orElse("");
            boolean runs = task(p.realm(), rootId) == TaskInfo.Status.RUNNING;
            Map<String, String> leases = net.leases().getOrDefault(network, Map.of());
            List<String> held = leases.entrySet().stream().filter(e -> e.getValue().equals(rootId)).map(Map.Entry::getKey).toList();
            String shown = cell.getStatus().hasNetwork() ? cell.getStatus().getNetwork().getAddress() : "";
            int masquerade = net.masquerade().getOrDefault(network + "/" + rootId, 0);
            if (masquerade != (runs ? 1 : 0)) {
                out.add("cell " + p + " has " + masquerade + " masquerade rules while its root " + (runs ? "runs" : "does not run"));
            }
            if (!rootId.isEmpty()) {
                cellRoots.add(network + "/" + rootId);
            }
            if (runs) {
                runningRoots.merge(network, 1, Integer::sum);
                if (held.size() != 1 || !held.get(0).equals(shown)) {
                    out.add("cell " + p + " runs with leases " + held + " and shows address \"" + shown + "\"");
                }
            } else if (!held.isEmpty()) {
                out.add("cell " + p + " holds leases " + held + ", but its root does not run");
            }
            if (!shown.isEmpty()) {
                String other = shownAddress.put(shown, p.toString());
                if (other != null) {
                    out.add("cells " + other + " and " + p + " both show address " + shown);
                }
            }
        }
        for (Map.Entry<String, Map<String, String>> e : net.leases().entrySet()) {
            Set<String> roots = new HashSet<>();
            for (ObjectDoc cell : seen.of("Cell")) {
                cell.getStatus().getContainersList().stream().filter(c -> c.getName().equals(rootName(cell)))
                        .forEach(c -> roots.add(c.getContainerdId()));
            }
            e.getValue().forEach((address, owner) -> {
                if (!roots.contains(owner)) {
                    out.add("lease " + address + " of " + e.getKey() + " belongs to " + owner + ", which is no cell's root");
                }
            });
        }
        net.masquerade().keySet().stream().filter(id -> !cellRoots.contains(id))
                .forEach(id -> out.add("masquerade rule of " + id + ", which is no cell's root"));
        for (String n : spaces) {
            int links = net.bridges().getOrDefault(SpaceNetwork.bridgeName(n), 0);
            int roots = runningRoots.getOrDefault(n, 0);
            if (links != roots) {
                out.add("bridge of " + n + " has " + links + " links for " + roots + " running cells");
            }
        }
    }

    private static String rootName(ObjectDoc cell) {
        return cell.getCell().getContainersList().stream().filter(ContainerSpec::getRoot).map(ContainerSpec::getId)
                .findFirst().orElse(cell.getCell().getRootContainerId());
    }

    /** A cell's state and its containers' states, for a violation's line. */
    private String describe(ObjectPath cell) {
        ObjectDoc d = byPath("Cell").get(cell.toString());
        StringBuilder s = new StringBuilder(d.getStatus().getState());
        d.getStatus().getContainersList().forEach(c -> s.append(", ").append(c.getName()).append(" ").append(c.getState()));
        return s.toString();
    }

    private Map<String, ObjectDoc> byPath(String kind) {
        Map<String, ObjectDoc> m = new HashMap<>();
        seen.of(kind).forEach(d -> m.putIfAbsent(d.getPath(), d));
        return m;
    }

    // (a)
    private void acknowledged() {
        Set<ObjectPath> known = new HashSet<>(model.paths());
        for (ObjectPath p : known) {
            Possible found = observed(seen, p);
            Set<Possible> allowed = model.of(p);
            if (allowed.stream().noneMatch(a -> a.admits(found))) {
                out.add(p.kind().displayName() + " " + p + ": acknowledged " + allowed + ", found " + found
                        + (found.exists() && p.kind() == Kind.CELL ? " (" + describe(p) + ")" : ""));
            }
        }
        for (ObjectDoc d : seen.listed()) {
            ObjectPath p = ObjectPath.parse(d.getPath());
            if (!d.getKind().equals("Container") && !known.contains(p)) {
                out.add(d.getKind() + " " + p + " exists, but no client ever asked for it");
            }
        }
    }

    // (a)
    private void parents() {
        for (ObjectDoc d : seen.listed()) {
            ObjectPath p = ObjectPath.parse(d.getPath());
            if (p.parent() != null && !observed(seen, p.parent()).exists()) {
                out.add(d.getKind() + " " + p + " exists without its " + p.parent().kind().label());
            }
        }
    }

    // (b)
    private void containerd() {
        Map<String, ObjectDoc> containers = byPath("Container");
        Map<String, ObjectDoc> cells = byPath("Cell");
        Set<String> recorded = new HashSet<>();
        seen.containerd().forEach((realm, list) -> {
            for (ObservedContainer c : list) {
                ObjectPath p = labelled(realm, c);
                if (p == null) {
                    continue;
                }
                if (!recorded.add(p.toString())) {
                    out.add("containerd holds two containers for " + p);
                    continue;
                }
                ObjectDoc object = containers.get(p.toString());
                String state = object == null ? null : object.getStatus().getContainer().getState();
                if (object == null) {
                    out.add("containerd holds " + realm + "/" + c.containerdId() + ", but there is no Container " + p);
                } else if (state.equals("NotCreated")) {
                    out.add("containerd holds " + realm + "/" + c.containerdId() + ", but Container " + p + " was never started");
                }
                if (c.task().status() != TaskInfo.Status.RUNNING) {
                    continue;
                }
                ObjectDoc cell = cells.get(p.parent().toString());
                if (object != null && (!state.equals("Ready") || object.getStatus().getContainer().getPid() != c.task().pid())) {
                    out.add("task of " + p + " runs (pid " + c.task().pid() + "), but the Container is " + state
                            + " with pid " + object.getStatus().getContainer().getPid());
                }
                Observation.Process process = seen.processes().get(realm + "/" + c.containerdId());
                if (object != null && process != null && !process.argv().isEmpty()
                        && !process.argv().equals(argv(object))) {
                    out.add("task of " + p + " runs " + process.argv() + ", but its spec says " + argv(object));
                }
                if (cell != null && List.of("Stopped", "Pending").contains(cell.getStatus().getState())) {
                    out.add("task of " + p + " runs in a cell that is " + cell.getStatus().getState());
                }
            }
        });
        for (ObjectDoc d : containers.values()) {
            ContainerStatus s = d.getStatus().getContainer();
            if (!List.of("NotCreated", "Failed").contains(s.getState()) && !recorded.contains(d.getPath())) {
                out.add("Container " + d.getPath() + " is " + s.getState() + ", but containerd holds no container for it");
            }
            if (s.getState().equals("Ready") && task(ObjectPath.parse(d.getPath()).realm(), s.getContainerdId())
                    != TaskInfo.Status.RUNNING) {
                out.add("Container " + d.getPath() + " is Ready, but its task does not run");
            }
        }
    }

    private static List<String> argv(ObjectDoc container) {
        List<String> argv = new ArrayList<>();
        argv.add(container.getContainer().getCommand());
        argv.addAll(container.getContainer().getArgsList());
        return argv;
    }

    /** The container a record's labels name, or null (a violation) when they do not agree with its ID and namespace. */
    private ObjectPath labelled(String realm, ObservedContainer c) {
        Map<String, String> l = c.labels();
        List<String> names = new ArrayList<>();
        for (String key : List.of("realm", "space", "stack", "cell", "container")) {
            names.add(l.get("kukeon.io/" + key));
        }
        if (names.contains(null) || !names.get(0).equals(realm)
                || !c.containerdId().equals(String.join("_", names.subList(1, 5)))) {
            out.add("containerd " + realm + "/" + c.containerdId() + " has labels that do not match it: " + l);
            return null;
        }
        return ObjectPath.of(names.toArray(new String[0]));
    }

    private TaskInfo.Status task(String realm, String containerdId) {
        for (ObservedContainer c : seen.containerd().getOrDefault(realm, List.of())) {
            if (c.containerdId().equals(containerdId)) {
                return c.task().status();
            }
        }
        return TaskInfo.Status.NO_CONTAINER;
    }

    // (c)
    private void cgroups() {
        Set<String> levels = new TreeSet<>();
        for (String kind : List.of("Realm", "Space", "Stack", "Cell")) {
            seen.of(kind).forEach(d -> levels.add(d.getPath()));
        }
        Map<String, String> leaves = new HashMap<>();   // cell/containerd-id → its container's path
        for (ObjectDoc d : seen.of("Container")) {
            ObjectPath p = ObjectPath.parse(d.getPath());
            leaves.put(p.parent() + "/" + d.getStatus().getContainer().getContainerdId(), d.getPath());
        }
        seen.cgroups().forEach((hierarchy, groups) -> {
            String where = "/sys/fs/cgroup/" + hierarchy + "/" + cgroupRoot + "/";
            for (String g : groups) {
                int depth = g.split("/").length;
                if (depth <= 4 && !levels.contains(g)) {
                    out.add("group " + where + g + " belongs to no object");
                } else if (depth == 5) {
                    String container = leaves.get(g);
                    String realm = g.substring(0, g.indexOf('/'));
                    TaskInfo.Status task = task(realm, g.substring(g.lastIndexOf('/') + 1));
                    if (container == null || task == TaskInfo.Status.NO_TASK || task == TaskInfo.Status.NO_CONTAINER) {
                        out.add("group " + where + g + " belongs to no task (" + (container == null ? "no such container"
                                : "container " + container + ": " + task) + ")");
                    }
                } else if (depth > 5) {
                    out.add("group " + where + g + " is deeper than a container's leaf");
                }
            }
            for (String level : levels) {
                if (!groups.contains(level)) {
                    out.add(level + " has no group in " + where);
                }
            }
        });
        seen.processes().forEach((task, process) -> {
            String realm = task.substring(0, task.indexOf('/'));
            String id = task.substring(task.indexOf('/') + 1);
            String[] parts = id.split("_");
            String leaf = "/" + cgroupRoot + "/" + realm + "/" + String.join("/", parts[0], parts[1], parts[2]) + "/" + id;
            for (String line : process.cgroups()) {
                String path = line.substring(line.indexOf(':', line.indexOf(':') + 1) + 1);
                if (!path.equals(leaf)) {
                    out.add("the process of task " + task + " is in " + line + ", not in " + leaf);
                }
            }
        });
    }

    // (d)
    private void nothingTwice() {
        Set<String> paths = new HashSet<>();
        for (ObjectDoc d : seen.listed()) {
            if (!paths.add(d.getKind() + " " + d.getPath())) {
                out.add(d.getKind() + " " + d.getPath() + " is listed twice");
            }
        }
        Map<String, Set<String>> containersOf = new HashMap<>();
        for (ObjectDoc d : seen.of("Container")) {
            ObjectPath p = ObjectPath.parse(d.getPath());
            containersOf.computeIfAbsent(p.parent().toString(), k -> new TreeSet<>()).add(p.name());
        }
        for (ObjectDoc cell : seen.of("Cell")) {
            Set<String> spec = new TreeSet<>();
            cell.getCell().getContainersList().stream().map(ContainerSpec::getId).forEach(spec::add);
            Set<String> objects = containersOf.getOrDefault(cell.getPath(), Set.of());
            if (!spec.equals(objects)) {
                out.add("Cell " + cell.getPath() + " has containers " + spec + " in its spec but Container objects " + objects);
            }
        }
        seen.containerd().forEach((realm, list) -> {
            Set<String> ids = new HashSet<>();
            for (ObservedContainer c : list) {
                if (!ids.add(c.containerdId())) {
                    out.add("containerd lists " + realm + "/" + c.containerdId() + " twice");
                }
            }
        });
    }
}
