package io.kukeon.network;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.InvalidArgumentException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.IntFunction;

/**
 * What a cell's spec asks of the network, in one place: whether its root is on the host's network
 * ({@link HostNetworkRoot}), and the ports it publishes (every container's {@code ports}, parsed
 * with {@link PublishedPort}). The API checks a cell with {@link #check} before anything is
 * routed; the cell reads {@link #portMappings} when it attaches its root.
 */
public final class CellNetworking {
    private CellNetworking() {}

    /** How the errors name a container of the cell, e.g. {@code spec.containers[1]}. */
    public static final IntFunction<String> CELL_FIELDS = i -> "spec.containers[" + i + "]";

    /**
     * Whether the cell's root (and so the whole cell) uses the host's network namespace.
     *
     * @throws InvalidArgumentException an explicit root without {@code hostNetwork} beside a container with it
     */
    public static boolean onHostNetwork(CellSpec spec) {
        List<HostNetworkRoot.Container> containers = spec.containers().stream()
                .map(c -> new HostNetworkRoot.Container(c.id(), c.root(), c.hostNetwork())).toList();
        return HostNetworkRoot.rootUsesHostNetwork(containers, spec.rootContainerId());
    }

    /**
     * The ports the cell publishes, each with its field.
     *
     * @param cell   the cell's path as users write it (named by a conflict)
     * @param fields how errors name the container at index i
     * @throws InvalidArgumentException an entry that is no published port, or ports on a cell on the host's network
     */
    public static List<PortClaim> claims(String cell, CellSpec spec, IntFunction<String> fields) {
        boolean hostNetwork = onHostNetwork(spec);
        List<PortClaim> claims = new ArrayList<>();
        for (int i = 0; i < spec.containers().size(); i++) {
            ContainerSpec c = spec.containers().get(i);
            if (c.ports().isEmpty()) {
                continue;
            }
            String field = fields.apply(i) + ".ports";
            if (hostNetwork) {
                throw new InvalidArgumentException(field, "a cell on the host's network (hostNetwork: true) publishes no"
                        + " port: its containers listen on the host's addresses already; remove ports or hostNetwork");
            }
            List<PublishedPort> ports = PublishedPort.parseAll(field, c.ports());
            for (int j = 0; j < ports.size(); j++) {
                claims.add(new PortClaim(cell, field + "[" + j + "]", ports.get(j)));
            }
        }
        return claims;
    }

    /**
     * Checks the cell's network fields: the host network rule, every port, and no host port another
     * cell publishes already.
     *
     * @param others the ports the other cells of the host publish
     * @throws io.kukeon.model.FailedPreconditionException (kind {@link PortConflicts#HOST_PORT_IN_USE}) a port another cell holds
     */
    public static void check(String cell, CellSpec spec, IntFunction<String> fields, Collection<PortClaim> others) {
        PortConflicts.check(claims(cell, spec, fields), others);
    }

    /** The cell's published ports as the {@code portmap} plugin takes them; empty for none. */
    public static List<PortMapping> portMappings(CellSpec spec) {
        return claims("", spec, CELL_FIELDS).stream().map(c -> c.port().toPortMapping()).toList();
    }
}
