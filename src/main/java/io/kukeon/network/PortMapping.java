package io.kukeon.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Set;

/**
 * One published port in the form of the {@code portmap} plugin's {@code portMappings} capability:
 * {@code hostIP:hostPort} on the host side to {@code containerPort} of the cell's address. Its
 * JSON ({@link #toJson}) is what the plugin reads and what the CNI result cache keeps.
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

    /** The {@code portMappings} capability's value, with the plugin's keys ({@code hostIP}, not hostIp). */
    static ArrayNode toJson(List<PortMapping> portMappings) {
        ArrayNode list = CniJson.MAPPER.createArrayNode();
        for (PortMapping p : portMappings) {
            ObjectNode mapping = list.addObject();
            mapping.put("hostPort", p.hostPort());
            mapping.put("containerPort", p.containerPort());
            mapping.put("protocol", p.protocol());
            mapping.put("hostIP", p.hostIp());
        }
        return list;
    }

    /**
     * One entry of {@link #toJson}'s list.
     *
     * @throws IllegalArgumentException when the entry is not a valid mapping
     */
    static PortMapping fromJson(JsonNode mapping) {
        return new PortMapping(mapping.path("hostPort").asInt(), mapping.path("containerPort").asInt(),
                mapping.path("protocol").asText(), mapping.path("hostIP").asText(""));
    }
}
