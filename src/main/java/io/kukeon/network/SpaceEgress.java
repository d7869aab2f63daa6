package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the egress chains of one space are made from: the space, the bridge its cells are
 * attached to, the subnet they have their addresses from, and its policy.
 *
 * @param bridge the space's bridge; isolation between spaces covers bridges named {@code k-…}
 *               (the names kukeon gives), a bridge of a {@code spec.cniConfigPath} of another
 *               name gets its own policy but is not seen as another space by the others
 */
public record SpaceEgress(ObjectPath space, String bridge, String subnet, EgressPolicy policy) {
    /** A Linux interface name: at most 15 bytes, none of them '/', ':' or white space. */
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    public SpaceEgress {
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(policy, "policy");
        if (space.kind() != Kind.SPACE) {
            throw new InvalidArgumentException("space", space + " is not a space (realm/space)");
        }
        if (bridge == null || !INTERFACE.matcher(bridge).matches()) {
            throw new InvalidArgumentException("bridge", "\"" + bridge + "\" is not an interface name (1-15 of A-Z a-z 0-9 _ . -)");
        }
        subnet = Ipv4Subnet.parse(subnet, "subnet").toString();
    }
}
