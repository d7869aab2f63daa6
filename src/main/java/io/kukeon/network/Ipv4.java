package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Names;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPv4 addresses as users and plugins write them: four decimal octets, without leading zeros (so
 * {@code 010.0.0.1} cannot be read as octal by one tool and as decimal by another). The one place
 * that reads a dotted quad; parsed here, never through {@code InetAddress.getByName}, which would
 * look a name up in DNS.
 */
public final class Ipv4 {
    private static final Pattern DOTTED_QUAD = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    /** The address that stands for every address of the host. */
    public static final String ANY = "0.0.0.0";

    private Ipv4() {}

    /** The address as an int, or null when {@code text} is not a dotted quad of 0..255 without leading zeros. */
    public static Integer parse(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = DOTTED_QUAD.matcher(text);
        if (!m.matches()) {
            return null;
        }
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

    public static boolean isAddress(String text) {
        return parse(text) != null;
    }

    /** 127.0.0.0/8: inside a cell it is the cell's own loopback, not the host's. */
    public static boolean isLoopback(String text) {
        Integer address = parse(text);
        return address != null && address >>> 24 == 127;
    }

    /**
     * Refuses an IPv6 address or network (anything with a ':') in request field {@code field}, with
     * the same words wherever one is given where only IPv4 is supported.
     */
    static void refuseIpv6(String field, String text) {
        if (text.indexOf(':') >= 0) {
            throw new InvalidArgumentException(field, "\"" + Names.printable(text) + "\" is IPv6; only IPv4 is supported");
        }
    }

    /** The dotted form of {@code address}. */
    public static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }
}
