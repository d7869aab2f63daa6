package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;

/**
 * An IPv4 network in CIDR form, such as {@code 10.88.3.0/24}: the address with its host bits zero
 * and the prefix length.
 */
public record Ipv4Subnet(int network, int prefixLength) {

    public Ipv4Subnet {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not within 0-32");
        }
        if ((network & ~mask(prefixLength)) != 0) {
            throw new IllegalArgumentException(format(network) + "/" + prefixLength + " has host bits set");
        }
    }

    /**
     * Parses {@code a.b.c.d/n}.
     *
     * @param field names the setting or field in the error
     * @throws InvalidArgumentException naming {@code field} when it is not an IPv4 CIDR or has host bits set
     */
    public static Ipv4Subnet parse(String cidr, String field) {
        String rule = "\"" + cidr + "\" is not an IPv4 network in CIDR form such as 10.88.0.0/16";
        if (cidr == null || !cidr.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
            throw new InvalidArgumentException(field, rule);
        }
        String[] addressAndPrefix = cidr.split("/");
        int prefix = Integer.parseInt(addressAndPrefix[1]);
        Integer address = parseAddress(addressAndPrefix[0]);
        if (address == null || prefix > 32) {
            throw new InvalidArgumentException(field, rule);
        }
        if ((address & ~mask(prefix)) != 0) {
            throw new InvalidArgumentException(field, "\"" + cidr + "\" has host bits set; the network is "
                    + format(address & mask(prefix)) + "/" + prefix);
        }
        return new Ipv4Subnet(address, prefix);
    }

    /** The dotted address as an int, or null when {@code dotted} is not one. */
    public static Integer parseAddress(String dotted) {
        String[] octets = dotted.split("\\.", -1);
        if (octets.length != 4) {
            return null;
        }
        int address = 0;
        for (String octet : octets) {
            if (!octet.matches("\\d{1,3}") || Integer.parseInt(octet) > 255) {
                return null;
            }
            address = address << 8 | Integer.parseInt(octet);
        }
        return address;
    }

    public static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
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

    @Override
    public String toString() {
        return format(network) + "/" + prefixLength;
    }

    private static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }
}
