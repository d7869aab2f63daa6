package io.kukeon.model;

/**
 * A cell's place on its space's network: the address its containers share, its prefix length,
 * the gateway (the space's bridge) and the bridge's name.
 */
public record CellNetworkStatus(String address, int prefixLength, String gateway, String bridge) {
    /** The address with its prefix length, as {@code ip addr} writes it. */
    public String cidr() {
        return address + "/" + prefixLength;
    }
}
