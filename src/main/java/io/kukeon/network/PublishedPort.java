package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Names;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A port of a cell published on the host: {@code hostIp:hostPort} forwards to the cell's
 * {@code containerPort}, written as docker writes it, {@code [hostIP:]hostPort:containerPort[/tcp|/udp]}.
 * <p>
 * A bare {@code containerPort} (docker picks a free host port) is refused: the port would change at
 * every start and nothing would tell the user which one it is; a fixed host port is what the
 * conflict check and the user can rely on. Port ranges and IPv6 host addresses are refused too
 * (cells have IPv4 only).
 *
 * @param hostIp        the host address it listens on; {@link Ipv4#ANY} (the default) for all
 * @param hostPort      1..65535
 * @param containerPort 1..65535
 */
public record PublishedPort(String hostIp, int hostPort, int containerPort, Protocol protocol) {
    /** Ports one container may publish; each is three iptables rules of the portmap plugin. */
    public static final int MAX_PER_CONTAINER = 128;
    static final String FORMAT = "must be [hostIP:]hostPort:containerPort[/tcp|/udp], e.g. 8080:80 or 127.0.0.1:8053:53/udp";

    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern PORT_RANGE = Pattern.compile("[0-9]-[0-9]");

    public enum Protocol {
        TCP, UDP;

        /** As docker, the portmap plugin and iptables write it. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public PublishedPort {
        if (!Ipv4.isAddress(hostIp) || hostPort < 1 || hostPort > 65535 || containerPort < 1 || containerPort > 65535
                || protocol == null) {
            throw new IllegalArgumentException("not a published port: " + hostIp + ":" + hostPort + ":" + containerPort + "/" + protocol);
        }
    }

    /**
     * Parses a container's {@code ports}.
     *
     * @param field the list's field, e.g. {@code spec.containers[1].ports}; errors name the entry
     */
    public static List<PublishedPort> parseAll(String field, List<String> entries) {
        if (entries.size() > MAX_PER_CONTAINER) {
            throw new InvalidArgumentException(field, "at most " + MAX_PER_CONTAINER + " published ports per container");
        }
        List<PublishedPort> ports = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            ports.add(parse(field + "[" + i + "]", entries.get(i)));
        }
        return List.copyOf(ports);
    }

    /** Parses one entry; {@code field} is the entry's, e.g. {@code spec.containers[1].ports[0]}. */
    public static PublishedPort parse(String field, String entry) {
        if (entry == null || entry.isBlank()) {
            throw new InvalidArgumentException(field, "is empty; it " + FORMAT);
        }
        if (entry.length() > 64) {
            throw new InvalidArgumentException(field, "is longer than 64 characters; it " + FORMAT);
        }
        String shown = "\"" + Names.printable(entry) + "\"";
        Protocol protocol = Protocol.TCP;
        String addressAndPorts = entry;
        int slash = entry.lastIndexOf('/');
        if (slash >= 0) {
            protocol = protocol(field, shown, entry.substring(slash + 1));
            addressAndPorts = entry.substring(0, slash);
        }
        if (addressAndPorts.contains("[") || addressAndPorts.chars().filter(c -> c == ':').count() > 2) {
            throw new InvalidArgumentException(field, shown + ": hostIP must be an IPv4 address (cells have IPv4 only)");
        }
        if (PORT_RANGE.matcher(addressAndPorts).find()) {
            throw new InvalidArgumentException(field, shown + ": port ranges are not supported; publish each port in an entry of its own");
        }
        String[] parts = addressAndPorts.split(":", -1);
        if (parts.length == 1 || parts[parts.length - 2].isEmpty()) {
            throw new InvalidArgumentException(field, shown + " has no host port: kukeon publishes only a fixed host port,"
                    + " never one picked at random; " + FORMAT);
        }
        String hostIp = Ipv4.ANY;
        if (parts.length == 3) {
            hostIp = parts[0];
            if (!Ipv4.isAddress(hostIp)) {
                throw new InvalidArgumentException(field, shown + ": hostIP must be an IPv4 address (leave it out for all addresses)");
            }
        }
        int hostPort = port(field, shown, "hostPort", parts[parts.length - 2]);
        int containerPort = port(field, shown, "containerPort", parts[parts.length - 1]);
        return new PublishedPort(hostIp, hostPort, containerPort, protocol);
    }

    private static Protocol protocol(String field, String shown, String name) {
        if (name.equals("tcp")) {
            return Protocol.TCP;
        }
        if (name.equals("udp")) {
            return Protocol.UDP;
        }
        throw new InvalidArgumentException(field, shown + ": protocol must be tcp or udp");
    }

    private static int port(String field, String shown, String which, String text) {
        int port = PORT.matcher(text).matches() ? Integer.parseInt(text) : -1;
        if (port < 1 || port > 65535) {
            throw new InvalidArgumentException(field, shown + ": " + which + " must be a port number from 1 to 65535");
        }
        return port;
    }

    /** Two publications that would take the same packets: same protocol and host port, and a host address in common. */
    public boolean overlaps(PublishedPort other) {
        return protocol == other.protocol && hostPort == other.hostPort
                && (hostIp.equals(other.hostIp) || hostIp.equals(Ipv4.ANY) || other.hostIp.equals(Ipv4.ANY));
    }

    /**
     * The portmap plugin's entry. {@code 0.0.0.0} is passed as it is: the plugin (checked with 1.1.1)
     * adds no destination match for an unspecified address, as for an absent one, so it means all.
     */
    public PortMapping toPortMapping() {
        return new PortMapping(hostPort, containerPort, protocol.wireName(), hostIp);
    }

    /** As the user writes it, with the defaults spelled out: {@code 0.0.0.0:8080:80/tcp}. */
    @Override
    public String toString() {
        return hostIp + ":" + hostPort + ":" + containerPort + "/" + protocol.wireName();
    }
}
