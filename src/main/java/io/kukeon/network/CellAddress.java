package io.kukeon.network;

import io.kukeon.model.Names;

/**
 * A cell of a space and the IPv4 address its network gave it: one line of the other cells'
 * {@code /etc/hosts}. Checked here because each field becomes a line of a file other programs parse.
 *
 * @param cell the cell's name (a valid kukeon name, hence a valid host name)
 * @param ip   its IPv4 address on the space's network
 */
public record CellAddress(String cell, String ip) {
    public CellAddress {
        if (!Names.isValid(cell)) {
            throw new IllegalArgumentException("not a cell name: \"" + Names.printable(String.valueOf(cell)) + "\"");
        }
        if (!Ipv4.isAddress(ip)) {
            throw new IllegalArgumentException("not an IPv4 address: \"" + Names.printable(String.valueOf(ip)) + "\"");
        }
    }
}
