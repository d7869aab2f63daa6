package io.kukeon.network;

import java.util.regex.Pattern;

/**
 * IPv4 addresses as users and plugins write them: four decimal octets, without leading zeros (so
 * {@code 010.0.0.1} cannot be read as octal by one tool and as decimal by another). Parsed here,
 * never through {@code InetAddress.getByName}, which would look a name up in DNS.
 */
final class Ipv4 {
    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    /** The address that stands for every address of the host. */
    static final String ANY = "0.0.0.0";

    private Ipv4() {}

    static boolean isAddress(String text) {
        return text != null && DOTTED_QUAD.matcher(text).matches();
    }

    /** 127.0.0.0/8: inside a cell it is the cell's own loopback, not the host's. */
    static boolean isLoopback(String address) {
        return isAddress(address) && address.startsWith("127.");
    }
}
