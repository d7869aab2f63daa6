package io.kukeon.network;

import com.fasterxml.jackson.databind.JsonNode;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Names;
import io.kukeon.model.SpaceSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A space's network defined by a conflist of the user's ({@code spec.cniConfigPath}) instead of
 * the one kukeond writes: read as it is, never written or deleted by kukeond. What the tree needs
 * of it is read here once: the bridge its cells hang on (for the egress chains and {@code kuke
 * status}) and the IPv4 network {@code host-local} leases from (claimed in the host's journal so
 * that no other space overlaps it).
 *
 * @param file   the conflist, an absolute path
 * @param config the conflist as read
 * @param bridge the {@code bridge} plugin's {@code bridge} ({@code cni0} when it names none), or null without a bridge plugin
 * @param subnet the IPv4 network of its {@code host-local} IPAM, or null when its IPAM is another (dhcp, static)
 */
public record UserNetwork(Path file, NetworkConfigList config, String bridge, Ipv4Subnet subnet) {
    /** The manifest field every error of a user's network names. */
    public static final String FIELD = SpaceSpec.CNI_CONFIG_PATH_FIELD;
    /** Linux's PATH_MAX. */
    public static final int MAX_PATH_LENGTH = SpaceSpec.MAX_CNI_CONFIG_PATH;
    /** Where {@code host-local} keeps its leases when the config names no {@code dataDir} (the plugin's default). */
    static final Path HOST_LOCAL_DEFAULT_DATA_DIR = Path.of("/var/lib/cni/networks");

    /**
     * Reads and checks the user's conflist: an absolute path of a regular file of at most
     * {@value NetworkConfigList#MAX_BYTES} bytes, a valid conflist, a bridge that is an interface
     * name and not one of kukeon's ({@code k-…}), at most one IPv4 {@code host-local} network.
     *
     * @throws InvalidArgumentException naming {@value #FIELD}, the file and the rule it breaks
     */
    public static UserNetwork read(String path) {
        return of(path(path), NetworkConfigList.read(path(path), FIELD));
    }

    /**
     * Checks the form of a {@value #FIELD} value without reading the file (the rule is the model's,
     * {@link SpaceSpec#checkCniConfigPath}).
     */
    public static Path path(String path) {
        SpaceSpec.checkCniConfigPath(path);
        return Path.of(path);
    }

    /** The network of an already parsed conflist (a test's, or the copy kukeond keeps of one in use). */
    public static UserNetwork of(Path file, NetworkConfigList config) {
        String where = file + ": ";
        String bridge = config.bridgeName();
        if (bridge != null && !InterfaceName.isValid(bridge)) {
            throw new InvalidArgumentException(FIELD, where + "the bridge plugin's \"bridge\" \"" + Names.printable(bridge)
                    + "\" is not an interface name (" + InterfaceName.RULE + ")");
        }
        if (bridge != null && bridge.startsWith(SpaceNetwork.BRIDGE_PREFIX)) {
            throw new InvalidArgumentException(FIELD, where + "the bridge \"" + bridge + "\" starts with \""
                    + SpaceNetwork.BRIDGE_PREFIX + "\", which names the bridges kukeond makes for spaces; choose another name");
        }
        List<Ipv4Subnet> subnets = hostLocalSubnets(config, where);
        if (subnets.size() > 1) {
            throw new InvalidArgumentException(FIELD, where + "host-local has " + subnets.size() + " IPv4 networks ("
                    + subnets.get(0) + ", " + subnets.get(1) + "); a space has one");
        }
        return new UserNetwork(file, config, bridge, subnets.isEmpty() ? null : subnets.get(0));
    }

    /** The conflist's {@code name}: what its IPAM state and kukeond's result cache are keyed by. */
    public String name() {
        return config.name();
    }

    /** The IPv4 networks of every {@code host-local} IPAM of the list: its {@code subnet} and each of its {@code ranges}. */
    private static List<Ipv4Subnet> hostLocalSubnets(NetworkConfigList config, String where) {
        List<Ipv4Subnet> subnets = new ArrayList<>();
        List<PluginConfig> plugins = config.plugins();
        for (int i = 0; i < plugins.size(); i++) {
            JsonNode ipam = plugins.get(i).tree().path("ipam");
            if (!"host-local".equals(ipam.path("type").asText())) {
                continue;
            }
            String field = "plugins[" + i + "].ipam";
            addIpv4(subnets, ipam.path("subnet"), where + field + ".subnet");
            JsonNode ranges = ipam.path("ranges");
            for (int r = 0; r < ranges.size() && r < NetworkConfigList.MAX_PLUGINS; r++) {
                for (int s = 0; s < ranges.get(r).size() && s < NetworkConfigList.MAX_PLUGINS; s++) {
                    addIpv4(subnets, ranges.get(r).get(s).path("subnet"), where + field + ".ranges[" + r + "][" + s + "].subnet");
                }
            }
        }
        return subnets;
    }

    /** An IPv6 range is left to the plugin: cells have IPv4 addresses only, and nothing of kukeon's checks IPv6 overlaps. */
    private static void addIpv4(List<Ipv4Subnet> subnets, JsonNode subnet, String field) {
        if (!subnet.isTextual() || subnet.asText().contains(":")) {
            return;
        }
        try {
            subnets.add(Ipv4Subnet.parse(subnet.asText(), field));
        } catch (InvalidArgumentException e) {
            throw new InvalidArgumentException(FIELD, e.getMessage());
        }
    }

    /**
     * Where {@code host-local} keeps this network's leases: {@code <dataDir>/<name>}. Used for
     * kukeond's own networks too, whose {@code dataDir} is under kukeond's data dir.
     */
    static Path leaseDir(NetworkConfigList config) {
        for (PluginConfig plugin : config.plugins()) {
            JsonNode ipam = plugin.tree().path("ipam");
            if ("host-local".equals(ipam.path("type").asText())) {
                String dataDir = ipam.path("dataDir").asText("");
                return (dataDir.isEmpty() ? HOST_LOCAL_DEFAULT_DATA_DIR : Path.of(dataDir)).resolve(config.name());
            }
        }
        return null;
    }
}
