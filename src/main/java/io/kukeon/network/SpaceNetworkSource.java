package io.kukeon.network;

import java.nio.file.Path;

/**
 * Where a space's network comes from: the {@code /24} the host gave it from the pod subnet (kukeond
 * writes the conflist), or a conflist of the user's ({@code spec.cniConfigPath}, read as it is).
 * Exactly one of the two is set.
 *
 * @param subnet the space's {@code /24} of {@code pod-subnet}, or null for a user's network
 * @param file   the user's conflist, or null for a network of kukeond's
 */
public record SpaceNetworkSource(Ipv4Subnet subnet, Path file) {
    public SpaceNetworkSource {
        if ((subnet == null) == (file == null)) {
            throw new IllegalArgumentException("a space's network comes from a subnet or from a file, exactly one");
        }
    }

    public static SpaceNetworkSource pooled(Ipv4Subnet subnet) {
        return new SpaceNetworkSource(subnet, null);
    }

    public static SpaceNetworkSource file(Path conflist) {
        return new SpaceNetworkSource(null, conflist);
    }

    public boolean fromFile() {
        return file != null;
    }

    @Override
    public String toString() {
        return fromFile() ? file.toString() : subnet.toString();
    }
}
