package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Names;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code /etc/resolv.conf} of a cell: the host's, without the name servers a cell cannot reach,
 * or the servers kukeond's {@code dns} setting names, keeping the host's {@code search} and
 * {@code options} either way. Pure: the caller reads the host's file.
 */
public final class ResolvConf {
    /** The host's file is read up to this much; a resolv.conf is a few hundred bytes. */
    public static final int MAX_HOST_FILE_BYTES = 64 * 1024;
    /** glibc's MAXNS: a resolver reads no more name servers than this. */
    public static final int MAX_SERVERS = 3;

    static final String NO_SERVER_COMMENT = "# kukeond: no name server left: the host's are loopback or IPv6 only"
            + " (unreachable from a cell) and kukeond's dns setting is empty; names resolve from /etc/hosts only\n";

    private ResolvConf() {}

    /**
     * @param hostResolvConf the host's resolv.conf, as read (at most {@link #MAX_HOST_FILE_BYTES})
     * @param dnsServers     kukeond's {@code dns} setting, checked with {@link #checkServers}; empty = the host's servers
     */
    public static String render(String hostResolvConf, List<String> dnsServers) {
        StringBuilder out = new StringBuilder("# written by kukeond from the host's resolv.conf");
        out.append(dnsServers.isEmpty() ? "" : " with the name servers of its dns setting").append('\n');
        List<String> servers = new ArrayList<>(dnsServers);
        for (String line : hostResolvConf.split("\n", -1)) {
            String trimmed = line.strip();
            String[] words = trimmed.split("\\s+");
            if (words[0].equals("nameserver")) {
                if (dnsServers.isEmpty() && words.length >= 2 && reachableFromACell(words[1])) {
                    servers.add(words[1]);
                }
            } else if (!trimmed.isEmpty() && !trimmed.startsWith("#") && !trimmed.startsWith(";")) {
                out.append(trimmed).append('\n');   // search, domain, options, sortlist
            }
        }
        if (servers.isEmpty()) {
            out.append(NO_SERVER_COMMENT);
        }
        servers.stream().distinct().limit(MAX_SERVERS).forEach(s -> out.append("nameserver ").append(s).append('\n'));
        return out.toString();
    }

    /**
     * A cell has one IPv4 address on its space's bridge: a loopback server (127.0.0.0/8, {@code ::1},
     * a local stub such as systemd-resolved's 127.0.0.53) would be the cell's own loopback, and an
     * IPv6 server has no route.
     */
    static boolean reachableFromACell(String server) {
        return Ipv4.isAddress(server) && !Ipv4.isLoopback(server);
    }

    /**
     * Checks kukeond's {@code dns} setting: at most {@link #MAX_SERVERS} IPv4 addresses, none a loopback.
     *
     * @param setting the setting's name, for the error
     */
    public static List<String> checkServers(String setting, List<String> servers) {
        if (servers.size() > MAX_SERVERS) {
            throw new InvalidArgumentException(setting, "at most " + MAX_SERVERS + " name servers (a resolver reads no more)");
        }
        for (int i = 0; i < servers.size(); i++) {
            String server = servers.get(i);
            if (!Ipv4.isAddress(server)) {
                throw new InvalidArgumentException(setting + "[" + i + "]",
                        "\"" + Names.printable(String.valueOf(server)) + "\" must be an IPv4 address (cells have IPv4 only)");
            }
            if (Ipv4.isLoopback(server)) {
                throw new InvalidArgumentException(setting + "[" + i + "]",
                        "\"" + server + "\" is a loopback address: inside a cell it is the cell's own loopback, where no server listens");
            }
        }
        return List.copyOf(servers);
    }
}
