package io.kukeon.network;

import io.kukeon.model.EgressPolicy;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;

import java.util.Objects;

/**
 * Everything the egress chains of one space are made from: the space, the bridge its cells are
 * attached to, the subnet they have their addresses from, and its policy.
 *
 * @param bridge the space's bridge; isolation between spaces covers bridges named {@code k-…}
 *               ({@link SpaceNetwork#BRIDGE_PREFIX})
 *               (the names kukeon gives), a bridge of a {@code spec.cniConfigPath} of another
 *               name gets its own policy but is not seen as another space by the others
 */
public record SpaceEgress(ObjectPath space, String bridge, String subnet, EgressPolicy policy) {
    public SpaceEgress {
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(policy, "policy");
        if (space.kind() != Kind.SPACE) {
            throw new InvalidArgumentException("space", space + " is not a space (realm/space)");
        }
        if (!InterfaceName.isValid(bridge)) {
            throw new InvalidArgumentException("bridge", "\"" + bridge + "\" is not an interface name (" + InterfaceName.RULE + ")");
        }
        subnet = Ipv4Subnet.parse(subnet, "subnet").toString();
    }
}
