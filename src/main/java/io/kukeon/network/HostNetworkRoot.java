package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;

import java.util.List;

/**
 * The reference's {@code hostNetwork} rule for a cell. Its containers join the root's network
 * namespace, so the cell is on the host's network exactly when its root is: a synthesized root
 * takes the host's network when any container asks for it, and a root the user chose
 * ({@code root: true} or {@code spec.rootContainerId}) without {@code hostNetwork: true} beside a
 * container with it is refused, since that container would silently lose the host's network.
 * <p>
 * Written over plain inputs: the model's container spec has no {@code hostNetwork} field yet.
 */
public final class HostNetworkRoot {
    /** The reference's error text ({@code ErrExplicitRootHostNetworkMismatch}). */
    public static final String MISMATCH =
            "explicit rootContainerId must have hostNetwork: true when any cell container has hostNetwork: true";

    /** What the rule reads of one container of the cell. */
    public record Container(String id, boolean root, boolean hostNetwork) {}

    private HostNetworkRoot() {}

    /**
     * @param containers      the cell's containers in spec order (before a root is synthesized)
     * @param rootContainerId {@code spec.rootContainerId}, or null
     * @return whether the cell's root (and so the whole cell) uses the host's network namespace
     * @throws InvalidArgumentException an explicit root without {@code hostNetwork} beside a container with it
     */
    public static boolean rootUsesHostNetwork(List<Container> containers, String rootContainerId) {
        boolean anyHostNetwork = containers.stream().anyMatch(Container::hostNetwork);
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            boolean explicitRoot = rootContainerId != null ? c.id().equals(rootContainerId) : c.root();
            if (explicitRoot) {
                if (anyHostNetwork && !c.hostNetwork()) {
                    String field = rootContainerId != null ? "spec.rootContainerId" : "spec.containers[" + i + "].root";
                    String peers = String.join(", ", containers.stream().filter(Container::hostNetwork)
                            .map(p -> "\"" + p.id() + "\"").toList());
                    throw new InvalidArgumentException(field, MISMATCH + " (root \"" + c.id()
                            + "\" lacks it; it is set on " + peers + ")");
                }
                return c.hostNetwork();
            }
        }
        return anyHostNetwork;   // the synthesized root follows its containers
    }
}
