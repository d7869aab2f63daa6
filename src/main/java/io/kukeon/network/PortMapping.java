package io.kukeon.network;

import java.util.Set;

/**
 * One published port in the form of the {@code portmap} plugin's {@code portMappings} capability:
 * {@code hostIP:hostPort} on the host side to {@code containerPort} of the cell's address.
 *
 * @param hostIp the host address to listen on; {@code ""} or {@code 0.0.0.0} for every address
 */
public record PortMapping(int hostPort, int containerPort, String protocol, String hostIp) {
    private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp");

    public PortMapping {
        if (hostPort < 1 || hostPort > 65535) {
            throw new IllegalArgumentException("hostPort " + hostPort + " is not within 1-65535");
        }
        if (containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("containerPort " + containerPort + " is not within 1-65535");
        }
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("protocol \"" + protocol + "\" is not one of tcp, udp, sctp");
        }
        if (hostIp == null) {
            hostIp = "";
        }
    }
}
