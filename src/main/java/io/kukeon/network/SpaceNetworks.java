package io.kukeon.network;

import io.kukeon.model.ObjectPath;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * The port the tree reaches its networks through: a space's network made and removed with the
 * space, a cell's root attached to it and detached. Every method blocks and is idempotent; which
 * {@code /24} a space has is decided by the host's journal (see {@link SubnetPool}), not here.
 */
public interface SpaceNetworks {

    /** The interface every cell's root gets on its space's network. */
    String CELL_INTERFACE = "eth0";

    /** The {@code /etc/resolv.conf} a cell gets (see {@link ResolvConf}). */
    String cellResolvConf();

    /** The range spaces take their {@code /24} from. */
    SubnetPool pool();

    /**
     * Makes the space's network as it should be, from its source: on its {@code /24}, kukeond's
     * conflist written; from a user's conflist ({@code spec.cniConfigPath}), that file read and
     * checked (never written). Its bridge is made; what is there already is kept.
     *
     * @return the network's config list
     * @throws CniFailure when it cannot be written, the bridge cannot be made (a link of its name that is no bridge),
     *                    a plugin the user's file names is not on the plugin path, or the space's source changed
     * @throws io.kukeon.model.InvalidArgumentException naming {@code spec.cniConfigPath} when the user's file breaks a rule
     */
    NetworkConfigList ensure(String realm, String space, SpaceNetworkSource source);

    /**
     * Removes the space's network. Kukeond's own: its config, its leases and its bridge. A user's:
     * what kukeond's cells still hold on it is released, the bridge deleted only when kukeond made
     * it, the user's file left alone. What is already gone is success.
     */
    void remove(String realm, String space);

    /**
     * Attaches a cell's root to its space's network, or finds the attachment an earlier call made.
     *
     * @param containerId the root's containerd ID
     * An attachment made with other ports is made again with these, at the same address.
     *
     * @param netns        the root's network namespace ({@code /proc/PID/ns/net})
     * @param portMappings the cell's published ports (see {@link CellNetworking#portMappings}); may be empty
     * @throws CniFailure naming the plugin that failed (e.g. portmap), or saying the space has no network yet
     */
    NetworkAttachment attach(String realm, String space, String containerId, Path netns, List<PortMapping> portMappings);

    /**
     * Detaches a cell's root and releases its address. Gone already is success.
     *
     * @param netns the root's network namespace while the root still runs (its {@code eth0} is taken
     *              out of it), or null once it is gone or unknown: then the address is released and
     *              the veth goes with the namespace
     */
    void detach(String realm, String space, String containerId, Path netns);

    /**
     * The network namespace of "the host" for cells with {@code hostNetwork: true}: the one the
     * bridges are made in (kukeond's {@code network-namespace}), or null for kukeond's own, in
     * which case such a cell's root gets no network namespace at all.
     */
    Path hostNamespace();

    /** The plugins of {@link SpaceNetwork#PLUGINS} not found on the plugin search path (what {@code kuke status} names). */
    List<String> missingPlugins();

    /** The plugin search path as {@code kuke status} names it ({@code cni-plugin-path}). */
    String pluginPath();

    /**
     * Of these spaces (realm/space paths), those whose bridge is not there, in their order.
     *
     * @throws CniFailure when the bridges cannot be listed
     */
    List<ObjectPath> missingBridges(Collection<ObjectPath> spaces);
}
