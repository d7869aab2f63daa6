package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Names;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 network in CIDR form, such as {@code 10.88.3.0/24}: the address with its host bits zero
 * and the prefix length; a single address is a {@code /32}. Written as iptables prints it, always
 * with the prefix length. IPv4 only: cells have IPv4 addresses and the egress chains are iptables
 * (not ip6tables) rules.
 */
public record Ipv4Subnet(int network, int prefixLength) {
    /** Four numbers and an optional prefix length; {@link Ipv4#parse} then checks the numbers. */
    private static final Pattern SHAPE = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3})(?:/(\\d{1,2}))?");
    private static final String EXAMPLE = "an IPv4 network like 10.0.0.0/8";

    public Ipv4Subnet {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not within 0-32");
        }
        if ((network & ~mask(prefixLength)) != 0) {
            throw new IllegalArgumentException(Ipv4.format(network) + "/" + prefixLength + " has host bits set");
        }
    }

    /**
     * Parses {@code a.b.c.d/n}.
     *
     * @param field names the setting or request field in the error
     * @throws InvalidArgumentException naming {@code field} and the rule {@code cidr} breaks
     */
    public static Ipv4Subnet parse(String cidr, String field) {
        if (cidr == null || cidr.isEmpty()) {
            throw new InvalidArgumentException(field, "is required (" + EXAMPLE + ")");
        }
        Ipv4.refuseIpv6(field, cidr);
        Matcher m = SHAPE.matcher(cidr);
        if (!m.matches()) {
            throw new InvalidArgumentException(field, "\"" + Names.printable(cidr) + "\" is not an IPv4 network (" + EXAMPLE + ")");
        }
        if (m.group(2) == null) {
            throw new InvalidArgumentException(field, "\"" + cidr + "\" has no prefix length (" + EXAMPLE
                    + "; a single address is " + cidr + "/32)");
        }
        Integer address = Ipv4.parse(m.group(1));
        if (address == null) {
            throw new InvalidArgumentException(field, "\"" + cidr + "\": each of the 4 numbers is 0..255, without leading zeros");
        }
        int prefix = Integer.parseInt(m.group(2));
        if (prefix > 32) {
            throw new InvalidArgumentException(field, "\"" + cidr + "\": the prefix length is 0..32");
        }
        if ((address & ~mask(prefix)) != 0) {
            throw new InvalidArgumentException(field, "\"" + cidr + "\" has host bits set; the network is "
                    + Ipv4.format(address & mask(prefix)) + "/" + prefix);
        }
        return new Ipv4Subnet(address, prefix);
    }

    /** How many addresses the network spans (2^(32-prefix)). */
    public long size() {
        return 1L << (32 - prefixLength);
    }

    /** The address {@code offset} places after the network address, e.g. 1 for the usual gateway. */
    public int address(long offset) {
        if (offset < 0 || offset >= size()) {
            throw new IllegalArgumentException("offset " + offset + " is outside " + this);
        }
        return (int) (network + offset);
    }

    public boolean contains(int address) {
        return (address & mask(prefixLength)) == network;
    }

    /** Whether the two networks share an address: one contains the other. */
    public boolean overlaps(Ipv4Subnet other) {
        int shorter = Math.min(prefixLength, other.prefixLength);
        return ((network ^ other.network) & mask(shorter)) == 0;
    }

    /** As iptables -S prints it: always with the prefix length. */
    @Override
    public String toString() {
        return Ipv4.format(network) + "/" + prefixLength;
    }

    private static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }
}
