package io.kukeon.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A cell: a pod of containers sharing the root container's net, ipc and uts namespaces.
 *
 * @param containers      its containers; when none is the root, {@link #normalized()} adds a pause root
 * @param rootContainerId the container that owns the namespaces
 * @param autoDelete      delete the cell once its workloads have exited and none will restart (exit code aside, as
 *                        {@code docker run --rm}); the deletion is journaled before it is carried out
 * @param resources       limits of the cell's cgroup, shared by all its containers
 * @param nestedCgroupRuntime its containers may run a cgroup manager of their own (writable cgroups, every
 *                        controller delegated)
 * @param provenance      the template the cell was made from (lineage, acting on nothing); null: none
 * @param ttyDefault      {@code tty.default}: the attachable container that attach and exec reach when none is
 *                        named; null: the cell's only workload
 * @param node            {@code node}: the fleet's node the cell must run on; null: any (absent from journals
 *                        before placement)
 * @param nodeSelector    {@code nodeSelector}: labels the node it runs on must have; empty: any
 * @param reschedule      {@code reschedule}: in a fleet, whether the cell runs on another node when its node is
 *                        downed; null: when every workload restarts {@code always} (absent from journals before
 *                        failover)
 */
public record CellSpec(List<ContainerSpec> containers, String rootContainerId, boolean autoDelete, Resources resources,
                       boolean nestedCgroupRuntime, Provenance provenance, String ttyDefault, String node,
                       Map<String, String> nodeSelector, Boolean reschedule) {

    public static final int MAX_CONTAINERS = 64;
    /** The name of the synthesized root container. */
    public static final String SYNTHESIZED_ROOT = "root";
    public static final String PAUSE_IMAGE = "docker.io/library/busybox:latest";
    /** A pause process that, unlike a bare PID 1, exits on SIGTERM. */
    public static final List<String> PAUSE_ARGS =
            List.of("-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done");

    public CellSpec {
        containers = containers == null ? List.of() : List.copyOf(containers);
        resources = Resources.orNone(resources);
        rootContainerId = rootContainerId == null || rootContainerId.isEmpty() ? null : rootContainerId;
        // provenance is absent from journals before templates: null, as a cell made without one;
        // ttyDefault from journals before it: null, as a cell without one
        ttyDefault = ttyDefault == null || ttyDefault.isEmpty() ? null : ttyDefault;
        node = node == null || node.isEmpty() ? null : node;
        nodeSelector = nodeSelector == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(nodeSelector));
    }

    public CellSpec(List<ContainerSpec> containers, String rootContainerId, boolean autoDelete, Resources resources,
                    boolean nestedCgroupRuntime, Provenance provenance, String ttyDefault, String node,
                    Map<String, String> nodeSelector) {
        this(containers, rootContainerId, autoDelete, resources, nestedCgroupRuntime, provenance, ttyDefault, node,
                nodeSelector, null);
    }

    public CellSpec(List<ContainerSpec> containers, String rootContainerId, boolean autoDelete, Resources resources,
                    boolean nestedCgroupRuntime, Provenance provenance, String ttyDefault) {
        this(containers, rootContainerId, autoDelete, resources, nestedCgroupRuntime, provenance, ttyDefault, null, null);
    }

    public CellSpec(List<ContainerSpec> containers, String rootContainerId, boolean autoDelete, Resources resources,
                    boolean nestedCgroupRuntime, Provenance provenance) {
        this(containers, rootContainerId, autoDelete, resources, nestedCgroupRuntime, provenance, null);
    }

    /** A cell made without a template, whose containers run no cgroup manager of their own. */
    public CellSpec(List<ContainerSpec> containers, String rootContainerId, boolean autoDelete, Resources resources) {
        this(containers, rootContainerId, autoDelete, resources, false, null);
    }

    public CellSpec withAutoDelete(boolean deleteWhenDone) {
        return new CellSpec(containers, rootContainerId, deleteWhenDone, resources, nestedCgroupRuntime, provenance, ttyDefault, node, nodeSelector,
                reschedule);
    }

    public CellSpec withProvenance(Provenance madeFrom) {
        return new CellSpec(containers, rootContainerId, autoDelete, resources, nestedCgroupRuntime, madeFrom, ttyDefault, node, nodeSelector,
                reschedule);
    }

    public static ContainerSpec pauseRoot() {
        return new ContainerSpec(SYNTHESIZED_ROOT, true, PAUSE_IMAGE, "/bin/sh", PAUSE_ARGS, List.of(),
                null, null, RestartPolicy.NEVER, null, null, null);
    }

    /** Whether {@code c} is the pause root {@link #normalized()} adds (as {@code get} shows it, so as it applies back). */
    public static boolean isPauseRoot(ContainerSpec c) {
        return c.id().equals(SYNTHESIZED_ROOT) && c.equals(pauseRoot().withRoot(c.root()).withHostNetwork(c.hostNetwork()));
    }

    /** Validates containers and the root rules; returns nothing, throws naming the field. */
    public void validate() {
        if (containers.isEmpty()) {
            throw new InvalidArgumentException("spec.containers", "a cell needs at least one container");
        }
        if (containers.size() > MAX_CONTAINERS) {
            throw new InvalidArgumentException("spec.containers", "at most " + MAX_CONTAINERS + " containers per cell");
        }
        Set<String> ids = new HashSet<>();
        List<String> roots = new ArrayList<>();
        for (int i = 0; i < containers.size(); i++) {
            ContainerSpec c = containers.get(i);
            if (c == null) {
                throw new InvalidArgumentException("spec.containers[" + i + "]", "must not be empty");
            }
            c.validate("spec.containers[" + i + "]");
            if (!ids.add(c.id())) {
                throw new InvalidArgumentException("spec.containers[" + i + "].id", "\"" + c.id() + "\" is used twice");
            }
            if (c.root()) {
                roots.add(c.id());
            }
        }
        if (roots.size() > 1) {
            throw new InvalidArgumentException("spec.containers",
                    "more than one root container: " + String.join(", ", roots));
        }
        if (rootContainerId != null) {
            Names.require("spec.rootContainerId", rootContainerId);
            if (!ids.contains(rootContainerId)) {
                throw new InvalidArgumentException("spec.rootContainerId",
                        "\"" + rootContainerId + "\" names no container of this cell");
            }
            if (!roots.isEmpty() && !roots.get(0).equals(rootContainerId)) {
                throw new InvalidArgumentException("spec.rootContainerId",
                        "\"" + rootContainerId + "\" disagrees with root: true on \"" + roots.get(0) + "\"");
            }
        } else if (roots.isEmpty() && ids.contains(SYNTHESIZED_ROOT)) {
            throw new InvalidArgumentException("spec.containers",
                    "\"root\" is the name of the synthesized root; mark it root: true or rename it");
        }
        resources.validate("spec.resources");
        if (ttyDefault != null) {
            Names.require("spec.tty.default", ttyDefault);
            boolean attachableWorkload = containers.stream().anyMatch(c -> c.id().equals(ttyDefault) && c.attachable()
                    && !c.root() && !ttyDefault.equals(rootContainerId));
            if (!attachableWorkload) {
                throw new InvalidArgumentException("spec.tty.default", "\"" + ttyDefault
                        + "\" names no attachable workload of this cell (a container with attachable: true)");
            }
        }
        if (provenance != null) {
            provenance.validate("spec.provenance");
        }
        if (node != null) {
            Names.requireNodeName("spec.node", node);
        }
        Metadata.validateLabels("spec.nodeSelector", nodeSelector);
    }

    /** Whether a node of this name and these labels may run the cell. */
    public boolean placeableOn(String nodeName, Map<String, String> nodeLabels) {
        return (node == null || node.equals(nodeName))
                && nodeSelector.entrySet().stream().allMatch(e -> e.getValue().equals(nodeLabels.get(e.getKey())));
    }

    /**
     * The spec as it runs: the root resolved (from {@code root: true}, {@code rootContainerId}, or
     * a synthesized pause container appended, on the host's network when any container asks for
     * it), exactly one container flagged root.
     */
    public CellSpec normalized() {
        String rootId = rootContainerId;
        if (rootId == null) {
            rootId = containers.stream().filter(ContainerSpec::root).map(ContainerSpec::id).findFirst().orElse(null);
        }
        List<ContainerSpec> out = new ArrayList<>();
        for (ContainerSpec c : containers) {
            out.add(c.withRoot(c.id().equals(rootId)));
        }
        if (rootId == null) {
            rootId = SYNTHESIZED_ROOT;
            // the synthesized root follows its containers (io.kukeon.network.HostNetworkRoot holds the whole rule)
            out.add(pauseRoot().withHostNetwork(containers.stream().anyMatch(ContainerSpec::hostNetwork)));
        }
        return new CellSpec(out, rootId, autoDelete, resources, nestedCgroupRuntime, provenance, ttyDefault, node, nodeSelector);
    }

    /** This spec with other containers; everything else kept. */
    public CellSpec withContainers(List<ContainerSpec> others) {
        return new CellSpec(others, rootContainerId, autoDelete, resources, nestedCgroupRuntime, provenance, ttyDefault, node, nodeSelector);
    }

    /** This spec with {@code container} in place of the one of the same id (which keeps its root flag), or added. */
    public CellSpec withContainer(ContainerSpec container) {
        List<ContainerSpec> list = new ArrayList<>();
        boolean replaced = false;
        for (ContainerSpec c : containers) {
            if (c.id().equals(container.id())) {
                list.add(container.withRoot(c.root()));
                replaced = true;
            } else {
                list.add(c);
            }
        }
        if (!replaced) {
            list.add(container);
        }
        return withContainers(list);
    }

    /** This spec without the container {@code id}. */
    public CellSpec withoutContainer(String id) {
        return withContainers(containers.stream().filter(c -> !c.id().equals(id)).toList());
    }

    public ContainerSpec container(String id) {
        return containers.stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
    }

    public ContainerSpec rootContainer() {
        return container(rootContainerId);
    }

    /** The containers other than the root, in spec order. */
    public List<ContainerSpec> workloads() {
        return containers.stream().filter(c -> !c.id().equals(rootContainerId)).toList();
    }
}
