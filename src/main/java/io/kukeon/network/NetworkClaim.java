package io.kukeon.network;

/**
 * A space's network as the host's journal holds it, for the checks that keep spaces' networks
 * apart: its IPv4 network, its conflist {@code name} (the key of its IPAM state and of kukeond's
 * result cache) and its bridge.
 *
 * @param space  {@code realm/space}
 * @param subnet its IPv4 network, or null when it has none kukeond knows (a user's network without host-local)
 * @param name   its conflist name ({@code <realm>-<space>} for a network of kukeond's)
 * @param bridge its bridge, or null when it has none
 * @param file   the user's conflist, or null for a network of kukeond's
 */
public record NetworkClaim(String space, Ipv4Subnet subnet, String name, String bridge, String file) {

    /** The network kukeond makes for {@code realm/space} on its {@code /24}. */
    public static NetworkClaim pooled(String realm, String space, Ipv4Subnet subnet) {
        String name = SpaceNetwork.networkName(realm, space);
        return new NetworkClaim(realm + "/" + space, subnet, name, SpaceNetwork.bridgeName(name), null);
    }

    public static NetworkClaim of(String space, UserNetwork network) {
        return new NetworkClaim(space, network.subnet(), network.name(), network.bridge(), network.file().toString());
    }

    /** How an error names it, e.g. {@code space main/web's network "main-web" (10.88.0.0/24)}. */
    String describe() {
        return "space " + space + "'s network \"" + name + "\"" + (subnet == null ? "" : " (" + subnet + ")")
                + (file == null ? "" : " from " + file);
    }
}
