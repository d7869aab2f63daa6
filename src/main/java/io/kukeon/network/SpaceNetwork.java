package io.kukeon.network;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;

/**
 * The network kukeond makes for a space: named {@code <realm>-<space>}, a bridge named for the
 * hash of that name, the space's own {@code /24} leased by {@code host-local} (its state kept
 * under kukeond's data dir, not {@code /var/lib/cni}), published ports through {@code portmap}
 * and the cell's loopback.
 */
public final class SpaceNetwork {
    public static final String CNI_VERSION = "1.0.0";
    /** The gateway (the bridge's address) is the first address of the space's /24. */
    private static final int GATEWAY_OFFSET = 1;

    private SpaceNetwork() {}

    public static String networkName(String realm, String space) {
        return realm + "-" + space;
    }

    /** The plugin types {@link #configList} runs ({@code host-local} as the bridge's IPAM): what kukeond needs on its plugin path. */
    public static final List<String> PLUGINS = List.of("bridge", "host-local", "portmap", "loopback");

    /** What the bridge of every space's network is named with; the egress chains isolate the bridges named so. */
    public static final String BRIDGE_PREFIX = "k-";

    /** {@code k-} and 8 hex digits: 10 characters, within the kernel's 15 for an interface name. */
    public static String bridgeName(String networkName) {
        return BRIDGE_PREFIX + Fnv1a32.hex(networkName);
    }

    /**
     * The config list of a space's network.
     *
     * @param ipamDataDir where {@code host-local} keeps its leases (it adds a directory named for the network)
     */
    public static NetworkConfigList configList(String realm, String space, Ipv4Subnet subnet, Path ipamDataDir) {
        String name = networkName(realm, space);
        ObjectNode bridge = CniJson.MAPPER.createObjectNode();
        bridge.put("type", "bridge");
        bridge.put("bridge", bridgeName(name));
        bridge.put("isGateway", true);
        bridge.put("ipMasq", true);
        ObjectNode ipam = bridge.putObject("ipam");
        ipam.put("type", "host-local");
        ObjectNode range = ipam.putArray("ranges").addArray().addObject();
        range.put("subnet", subnet.toString());
        range.put("gateway", Ipv4.format(subnet.address(GATEWAY_OFFSET)));
        ipam.putArray("routes").addObject().put("dst", "0.0.0.0/0");
        ipam.put("dataDir", ipamDataDir.toString());

        ObjectNode portmap = CniJson.MAPPER.createObjectNode();
        portmap.put("type", "portmap");
        ObjectNode capabilities = portmap.putObject("capabilities");
        capabilities.put("portMappings", true);
        portmap.put("snat", true);

        ObjectNode loopback = CniJson.MAPPER.createObjectNode();
        loopback.put("type", "loopback");

        return new NetworkConfigList(name, CNI_VERSION, false,
                List.of(PluginConfig.of(bridge), PluginConfig.of(portmap), PluginConfig.of(loopback)));
    }
}
