package io.kukeon.network;

import io.kukeon.model.FailedPreconditionException;

import java.util.Collection;

/**
 * The rules that keep a user's network ({@code spec.cniConfigPath}) apart from the others: its
 * IPv4 network overlaps neither the pod subnet (whose {@code /24}s kukeond hands out) nor another
 * space's network, and its conflist name and its bridge are no other space's (the name keys the
 * IPAM state and the result cache; a bridge kukeond may delete with one space must not carry
 * another's cells). Pure: the caller passes what is in use (the host's journal, or the index).
 */
public final class NetworkOverlaps {
    /** The error kind: the request is sound but clashes with what the host has. */
    public static final String KIND = "NetworkInUse";

    private NetworkOverlaps() {}

    /**
     * @param space      the space asking, {@code realm/space}; its own claim among {@code inUse} is skipped
     * @param inUse      every space's network the host knows
     * @param podSubnet  kukeond's {@code pod-subnet}
     * @throws FailedPreconditionException (kind {@value #KIND}) naming {@value UserNetwork#FIELD}, the clash and the other space
     */
    public static void check(String space, UserNetwork network, Collection<NetworkClaim> inUse, Ipv4Subnet podSubnet) {
        String what = UserNetwork.FIELD + ": network \"" + network.name() + "\""
                + (network.subnet() == null ? "" : " (" + network.subnet() + ")") + " from " + network.file();
        if (network.subnet() != null && network.subnet().overlaps(podSubnet)) {
            throw new FailedPreconditionException(KIND, what + " overlaps " + SubnetPool.SETTING + " " + podSubnet
                    + ", whose /" + SubnetPool.SPACE_PREFIX_LENGTH + "s kukeond gives to spaces; use a network outside it");
        }
        for (NetworkClaim other : inUse) {
            if (other.space().equals(space)) {
                continue;
            }
            if (network.subnet() != null && other.subnet() != null && network.subnet().overlaps(other.subnet())) {
                throw new FailedPreconditionException(KIND, what + " overlaps " + other.describe());
            }
            if (network.name().equals(other.name())) {
                throw new FailedPreconditionException(KIND, what + " has the name of " + other.describe()
                        + "; the name keys its leases and attachments, give the conflist another \"name\"");
            }
            if (network.bridge() != null && network.bridge().equals(other.bridge())) {
                throw new FailedPreconditionException(KIND, what + " has the bridge " + network.bridge() + " of "
                        + other.describe());
            }
        }
    }

    /**
     * The network kukeond would make for {@code realm/space} is named {@code <realm>-<space>}, and
     * so may be another space's ({@code a-b/c} and {@code a/b-c}): two spaces would share a bridge
     * and leases. The second is refused.
     *
     * @throws FailedPreconditionException (kind {@value #KIND}) naming the other space
     */
    public static void checkPooledName(String realm, String space, Collection<NetworkClaim> inUse) {
        NetworkClaim mine = NetworkClaim.pooled(realm, space, null);
        for (NetworkClaim other : inUse) {
            if (!other.space().equals(mine.space()) && (other.name().equals(mine.name())
                    || mine.bridge().equals(other.bridge()))) {
                throw new FailedPreconditionException(KIND, "space " + mine.space() + "'s network would be named \""
                        + mine.name() + "\" with the bridge " + mine.bridge() + ", as " + other.describe()
                        + " is; give the space (or its realm) another name");
            }
        }
    }
}
