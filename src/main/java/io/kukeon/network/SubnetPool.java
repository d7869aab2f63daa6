package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.ResourceExhaustedException;

import java.util.Collection;
import java.util.Optional;

/**
 * The pod subnet that spaces take their {@code /24}s from (kukeond's {@code pod-subnet}). Pure:
 * which ranges are in use is the caller's (journaled) knowledge, passed in on each call.
 */
public final class SubnetPool {
    /** The kukeond setting this pool is read from, named in its errors. */
    public static final String SETTING = "pod-subnet";
    public static final String DEFAULT = "10.88.0.0/16";
    /** Each space gets one network of this size. */
    public static final int SPACE_PREFIX_LENGTH = 24;

    private final Ipv4Subnet podSubnet;

    private SubnetPool(Ipv4Subnet podSubnet) {
        this.podSubnet = podSubnet;
    }

    /** @throws InvalidArgumentException naming {@code pod-subnet} when it is not IPv4 with a prefix of at most 24 */
    public static SubnetPool of(String podSubnet) {
        Ipv4Subnet subnet = Ipv4Subnet.parse(podSubnet, SETTING);
        if (subnet.prefixLength() > SPACE_PREFIX_LENGTH) {
            throw new InvalidArgumentException(SETTING, "\"" + podSubnet + "\" is smaller than one /"
                    + SPACE_PREFIX_LENGTH + "; the prefix length must be at most " + SPACE_PREFIX_LENGTH);
        }
        return new SubnetPool(subnet);
    }

    public Ipv4Subnet podSubnet() {
        return podSubnet;
    }

    /**
     * The first {@code /24} of the pod subnet that overlaps none of {@code inUse} (which may hold
     * networks of any size, also outside the pod subnet: a user's own CNI networks).
     *
     * @throws ResourceExhaustedException when every {@code /24} is taken
     */
    public Ipv4Subnet firstFree(Collection<Ipv4Subnet> inUse) {
        long count = podSubnet.size() >> (32 - SPACE_PREFIX_LENGTH);
        for (long i = 0; i < count; i++) {
            Ipv4Subnet candidate = new Ipv4Subnet(podSubnet.address(i << (32 - SPACE_PREFIX_LENGTH)), SPACE_PREFIX_LENGTH);
            if (overlapping(candidate, inUse).isEmpty()) {
                return candidate;
            }
        }
        throw new ResourceExhaustedException("no free /" + SPACE_PREFIX_LENGTH + " left in " + SETTING + " "
                + podSubnet + " (" + inUse.size() + " networks in use)");
    }

    /** The first network of {@code inUse} that shares an address with {@code candidate}, if any. */
    public static Optional<Ipv4Subnet> overlapping(Ipv4Subnet candidate, Collection<Ipv4Subnet> inUse) {
        return inUse.stream().filter(candidate::overlaps).findFirst();
    }
}
