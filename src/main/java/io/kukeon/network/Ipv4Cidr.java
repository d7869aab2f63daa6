package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Names;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 network {@code a.b.c.d/n} whose host bits are zero, written as iptables prints it.
 * IPv4 only: the egress chains are iptables (not ip6tables) rules.
 */
public record Ipv4Cidr(int address, int prefixLength) {
    private static final Pattern SHAPE = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?:/(\\d{1,2}))?");

    public Ipv4Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not 0..32");
        }
        if ((address & ~mask(prefixLength)) != 0) {
            throw new IllegalArgumentException("host bits set in " + dotted(address) + "/" + prefixLength);
        }
    }

    /**
     * Reads {@code text}, given in request field {@code field}; every error names the field and the rule.
     *
     * @param addressAlone true when a bare address is allowed (it reads as {@code /32})
     */
    public static Ipv4Cidr parse(String field, String text, boolean addressAlone) {
        String example = " (an IPv4 network like 10.0.0.0/8";
        if (text == null || text.isEmpty()) {
            throw new InvalidArgumentException(field, "is required" + example + ")");
        }
        if (text.indexOf(':') >= 0) {
            throw new InvalidArgumentException(field, "\"" + printable(text) + "\" is IPv6; only IPv4 is supported");
        }
        Matcher m = SHAPE.matcher(text);
        if (!m.matches()) {
            throw new InvalidArgumentException(field, "\"" + printable(text) + "\" is not an IPv4 network" + example + ")");
        }
        if (m.group(5) == null && !addressAlone) {
            throw new InvalidArgumentException(field, "\"" + text + "\" has no prefix length" + example
                    + "; a single address is " + text + "/32)");
        }
        Integer address = addressOf(m);
        if (address == null) {
            throw new InvalidArgumentException(field, "\"" + text + "\": each of the 4 numbers is 0..255, without leading zeros");
        }
        int prefix = m.group(5) == null ? 32 : Integer.parseInt(m.group(5));
        if (prefix > 32) {
            throw new InvalidArgumentException(field, "\"" + text + "\": the prefix length is 0..32");
        }
        if ((address & ~mask(prefix)) != 0) {
            throw new InvalidArgumentException(field, "\"" + text + "\" has host bits set; the network is "
                    + dotted(address & mask(prefix)) + "/" + prefix);
        }
        return new Ipv4Cidr(address, prefix);
    }

    /** True when {@code text} is a dotted IPv4 address, without a prefix length. */
    public static boolean isAddress(String text) {
        Matcher m = SHAPE.matcher(text);
        return m.matches() && m.group(5) == null && addressOf(m) != null;
    }

    /** The address of a matched {@link #SHAPE}, or null when a number is over 255 or has a leading zero. */
    private static Integer addressOf(Matcher m) {
        int address = 0;
        for (int i = 1; i <= 4; i++) {
            String number = m.group(i);
            int octet = Integer.parseInt(number);
            if (octet > 255 || (number.length() > 1 && number.startsWith("0"))) {
                return null;
            }
            address = (address << 8) | octet;
        }
        return address;
    }

    public boolean contains(Ipv4Cidr other) {
        return other.prefixLength >= prefixLength && (other.address & mask(prefixLength)) == address;
    }

    /** As iptables -S prints it: always with the prefix length. */
    @Override
    public String toString() {
        return dotted(address) + "/" + prefixLength;
    }

    private static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    private static String dotted(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    private static String printable(String s) {
        return Names.printable(s);
    }
}
