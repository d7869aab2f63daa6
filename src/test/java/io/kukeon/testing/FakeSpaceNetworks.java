package io.kukeon.testing;

import io.kukeon.model.ObjectPath;
import io.kukeon.network.Attachment;
import io.kukeon.network.CniFailure;
import io.kukeon.network.NetworkAttachment;
import io.kukeon.network.NetworkConfigList;
import io.kukeon.network.PortMapping;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.network.SpaceNetworkSource;
import io.kukeon.network.SpaceNetworks;
import io.kukeon.network.SubnetPool;
import io.kukeon.network.UserNetwork;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory space networks for actor and in-process daemon tests: the config lists kept in a map,
 * attachments made by a {@link FakeCniNetworks} (whose calls a test can read and fail).
 */
public final class FakeSpaceNetworks implements SpaceNetworks {
    private static final Path IPAM = Path.of("/nonexistent/kukeon-fake-ipam");

    /** Where the fake says it looks for plugins. */
    public static final String PLUGIN_PATH = "/fake/cni";

    public final FakeCniNetworks cni = new FakeCniNetworks();
    /** The plugins the fake reports missing; a test adds to it. */
    public final Set<String> missingPlugins = ConcurrentHashMap.newKeySet();
    /** What {@link #hostNamespace} answers; a test sets it (null: kukeond's own). */
    public volatile Path hostNamespace;
    private final SubnetPool pool;
    /** space ({@code realm/space}) → its config list */
    private final Map<String, NetworkConfigList> networks = new ConcurrentHashMap<>();

    public FakeSpaceNetworks() {
        this(SubnetPool.of(SubnetPool.DEFAULT));
    }

    public FakeSpaceNetworks(SubnetPool pool) {
        this.pool = pool;
    }

    /** The networks made now, by name. */
    public Map<String, NetworkConfigList> networks() {
        return networks.values().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(NetworkConfigList::name, n -> n));
    }

    @Override
    public String cellResolvConf() {
        return "nameserver 192.0.2.53\n";   // TEST-NET-1: nothing a test cell could reach
    }

    @Override
    public SubnetPool pool() {
        return pool;
    }

    @Override
    public NetworkConfigList ensure(String realm, String space, SpaceNetworkSource source) {
        NetworkConfigList list = source.fromFile() ? UserNetwork.read(source.file().toString()).config()
                : SpaceNetwork.configList(realm, space, source.subnet(), IPAM);
        networks.put(realm + "/" + space, list);
        return list;
    }

    /** Releases what is left attached, as the real one does for a user's network. */
    @Override
    public void remove(String realm, String space) {
        NetworkConfigList list = networks.remove(realm + "/" + space);
        if (list != null) {
            cni.attachments(list).forEach(cni::delete);
        }
    }

    @Override
    public NetworkAttachment attach(String realm, String space, String containerId, Path netns, List<PortMapping> portMappings) {
        NetworkConfigList list = networks.get(realm + "/" + space);
        if (list == null) {
            throw new CniFailure(null, null, "fake: space \"" + space + "\" of realm \"" + realm + "\" has no network");
        }
        return cni.add(new Attachment(list, containerId, netns, CELL_INTERFACE, portMappings));
    }

    @Override
    public void detach(String realm, String space, String containerId, Path netns) {
        NetworkConfigList list = networks.get(realm + "/" + space);
        if (list != null) {
            cni.delete(new Attachment(list, containerId, netns, CELL_INTERFACE));
        }
    }

    @Override
    public Path hostNamespace() {
        return hostNamespace;
    }

    @Override
    public List<String> missingPlugins() {
        return SpaceNetwork.PLUGINS.stream().filter(missingPlugins::contains).toList();
    }

    @Override
    public String pluginPath() {
        return PLUGIN_PATH;
    }

    /** A space's bridge is there while its network is (from {@link #ensure} until {@link #remove}). */
    @Override
    public List<ObjectPath> missingBridges(Collection<ObjectPath> spaces) {
        return spaces.stream().filter(space -> !networks.containsKey(space.realm() + "/" + space.name())).toList();
    }
}
