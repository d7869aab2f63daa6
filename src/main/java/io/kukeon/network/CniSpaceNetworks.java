package io.kukeon.network;

import io.kukeon.secrets.FileModes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link SpaceNetworks} with the CNI plugins: each space's config list is a file of kukeond's data
 * dir ({@code <dir>/conf/<realm>-<space>.conflist}), {@code host-local} keeps the leases in
 * {@code <dir>/ipam}, and the bridge lives in the network namespace the host commands run in.
 */
public final class CniSpaceNetworks implements SpaceNetworks {
    private final CniNetworks cni;
    private final HostCommand host;
    private final SubnetPool pool;
    private final Path configDir;
    private final Path ipamDir;

    /**
     * @param dir  where the network's files are kept (kukeond gives {@code <data-dir>/network})
     * @param host runs {@code ip} where the plugins make the bridges
     */
    public CniSpaceNetworks(CniNetworks cni, HostCommand host, SubnetPool pool, Path dir) {
        this.cni = cni;
        this.host = host;
        this.pool = pool;
        this.configDir = dir.resolve("conf");
        this.ipamDir = dir.resolve("ipam");
    }

    @Override
    public SubnetPool pool() {
        return pool;
    }

    @Override
    public NetworkConfigList ensure(String realm, String space, Ipv4Subnet subnet) {
        NetworkConfigList wanted = SpaceNetwork.configList(realm, space, subnet, ipamDir);
        Path file = configFile(realm, space);
        try {
            if (!wanted.equals(written(file).orElse(null))) {
                FileModes.createPrivateDirectories(configDir);
                FileModes.writePrivateFile(file, wanted.toJson().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new CniFailure(null, null, "cannot write the network config " + file + ": " + e.getMessage(), e);
        }
        return wanted;
    }

    @Override
    public void remove(String realm, String space) {
        String name = SpaceNetwork.networkName(realm, space);
        String bridge = SpaceNetwork.bridgeName(name);
        try {
            HostCommand.Result deleted = host.run(List.of("ip", "link", "delete", bridge, "type", "bridge"), Map.of(), new byte[0]);
            if (!deleted.succeeded() && linkExists(bridge)) {
                throw new CniFailure("bridge", null, "cannot remove bridge " + bridge + " of network " + name + ": "
                        + HostCommand.oneLine(deleted.stderr()));
            }
            FileModes.deleteTree(ipamDir.resolve(name));
            Files.deleteIfExists(configFile(realm, space));
        } catch (IOException e) {
            throw new CniFailure(null, null, "cannot remove network " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public NetworkAttachment attach(String realm, String space, String containerId, Path netns) {
        NetworkConfigList network = written(configFile(realm, space)).orElseThrow(() -> new CniFailure(null, null,
                "space \"" + space + "\" of realm \"" + realm + "\" has no network yet; its provisioning makes it"));
        return cni.add(new Attachment(network, containerId, netns, CELL_INTERFACE));
    }

    @Override
    public void detach(String realm, String space, String containerId) {
        Optional<NetworkConfigList> network = written(configFile(realm, space));
        // no config: the space's network was removed, and its leases and bridge with it
        network.ifPresent(n -> cni.delete(new Attachment(n, containerId, null, CELL_INTERFACE)));
    }

    private Path configFile(String realm, String space) {
        return configDir.resolve(SpaceNetwork.networkName(realm, space) + ".conflist");
    }

    private static Optional<NetworkConfigList> written(Path file) {
        return Files.isRegularFile(file) ? Optional.of(NetworkConfigList.read(file, "network config")) : Optional.empty();
    }

    private boolean linkExists(String name) throws IOException {
        return host.run(List.of("ip", "link", "show", name), Map.of(), new byte[0]).succeeded();
    }
}
