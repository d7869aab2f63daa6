package io.kukeon.network;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a cell's status shows of its attachment to a network: its IPv4 address and prefix length,
 * the gateway, the bridge (null when the network has none) and the host end of its veth (null
 * when the result does not name one).
 */
public record NetworkAttachment(String address, int prefixLength, String gateway, String bridge, String hostInterface) {

    /** The address in CIDR form, e.g. {@code 10.88.3.2/24}. */
    public String cidr() {
        return address + "/" + prefixLength;
    }

    /**
     * Reads the first IPv4 address of a CNI result (any version from 0.3.0), and which of the
     * result's interfaces outside the sandbox are {@code bridge} and the host end of the veth.
     *
     * @throws CniFailure when the result holds no IPv4 address with a prefix length 0..32
     */
    static NetworkAttachment fromResult(JsonNode result, String network, String bridge) {
        for (JsonNode ip : result.path("ips")) {
            String[] addressAndPrefix = ip.path("address").asText("").split("/");
            if (addressAndPrefix.length == 2 && Ipv4.isAddress(addressAndPrefix[0]) && isPrefixLength(addressAndPrefix[1])) {
                String gateway = ip.hasNonNull("gateway") ? ip.get("gateway").asText() : null;
                return new NetworkAttachment(addressAndPrefix[0], Integer.parseInt(addressAndPrefix[1]), gateway,
                        namedInterface(result, bridge) ? bridge : null, hostInterface(result, bridge));
            }
        }
        throw new CniFailure(null, null, "the CNI result of network " + network + " holds no IPv4 address: " + CniJson.text(result));
    }

    private static boolean isPrefixLength(String text) {
        return text.matches("\\d{1,2}") && Integer.parseInt(text) <= 32;
    }

    private static boolean namedInterface(JsonNode result, String name) {
        for (JsonNode itf : result.path("interfaces")) {
            if (itf.path("name").asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The first interface outside any sandbox that is not the bridge: the host end of the cell's veth. */
    private static String hostInterface(JsonNode result, String bridge) {
        for (JsonNode itf : result.path("interfaces")) {
            String name = itf.path("name").asText("");
            if (!itf.hasNonNull("sandbox") && !name.isEmpty() && !name.equals(bridge)) {
                return name;
            }
        }
        return null;
    }
}
