package io.kukeon.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kukeon.model.ObjectPath;
import io.kukeon.secrets.FileModes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link SpaceNetworks} with the CNI plugins: each space's config list is a file of kukeond's data
 * dir ({@code <dir>/conf/<realm>-<space>.conflist}), {@code host-local} keeps the leases in
 * {@code <dir>/ipam}, and the bridge lives in the network namespace the host commands run in.
 * {@link #ensure} makes the bridge (without an address): a space's network is there before its
 * first cell, and {@code kuke status} can tell a bridge that went missing. The bridge plugin gives
 * it the gateway address at the first ADD ({@code isGateway}); it takes a bridge already there.
 * Each cell's start ensures its space's network too, so the bridge is looked at once per kukeond:
 * after that an ensure is a comparison of the config file (a bridge removed behind kukeond's back
 * is made again by the next ADD, as the bridge plugin makes a missing bridge and sets it up).
 */
public final class CniSpaceNetworks implements SpaceNetworks {
    private static final String BRIDGE_KIND = "bridge";
    private static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");

    private final List<String> dns;
    private final CniNetworks cni;
    private final MasqueradeRules masquerade;
    private final CniPlugins plugins;
    private final HostCommand host;
    private final SubnetPool pool;
    private final Path configDir;
    private final Path ipamDir;
    /** The bridges this instance made or found up since it started; a removed network's is forgotten. */
    private final Set<String> bridgesEnsured = new HashSet<>();

    /**
     * @param plugins the plugins {@code cni} runs, looked for by {@link #missingPlugins}
     * @param dir     where the network's files are kept (kukeond gives {@code <data-dir>/network})
     * @param host    runs {@code ip} where the plugins make the bridges
     */
    public CniSpaceNetworks(CniNetworks cni, CniPlugins plugins, HostCommand host, SubnetPool pool, List<String> dns,
                            Path dir) {
        this.dns = List.copyOf(dns);
        this.cni = cni;
        this.masquerade = new MasqueradeRules(host);
        this.plugins = plugins;
        this.host = host;
        this.pool = pool;
        this.configDir = dir.resolve("conf");
        this.ipamDir = dir.resolve("ipam");
    }

    /** Read at each cell's start, so a change of the host's resolver reaches the cells that start after it. */
    @Override
    public String cellResolvConf() {
        try {
            return ResolvConf.render(CellNameFiles.readHostFile(HOST_RESOLV_CONF), dns);
        } catch (IOException e) {
            throw new CniFailure(null, null, "cannot read " + HOST_RESOLV_CONF + ": " + e.getMessage(), e);
        }
    }

    @Override
    public SubnetPool pool() {
        return pool;
    }

    @Override
    public synchronized NetworkConfigList ensure(String realm, String space, Ipv4Subnet subnet) {
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
        if (!bridgesEnsured.contains(wanted.bridgeName())) {
            ensureBridge(wanted.name());
            bridgesEnsured.add(wanted.bridgeName());
        }
        return wanted;
    }

    /** Makes the network's bridge and sets it up, unless it is there; a link of its name that is no bridge is a failure. */
    private void ensureBridge(String network) {
        String bridge = SpaceNetwork.bridgeName(network);
        try {
            Optional<String> kind = linkKind(bridge);
            if (kind.isEmpty()) {
                HostCommand.Result added = host.run(List.of("ip", "link", "add", "name", bridge, "type", "bridge"), Map.of(), new byte[0]);
                kind = added.succeeded() ? Optional.of(BRIDGE_KIND) : linkKind(bridge);   // made meanwhile by a plugin's ADD: kept
                if (kind.isEmpty()) {
                    throw new CniFailure("bridge", null, "cannot make bridge " + bridge + " of network " + network + ": "
                            + HostCommand.oneLine(added.stderr()));
                }
            }
            if (!kind.get().equals(BRIDGE_KIND)) {
                throw new CniFailure("bridge", null, "the bridge " + bridge + " of network " + network + " cannot be made: a link of that name is there and is "
                        + (kind.get().isEmpty() ? "no bridge" : "a " + kind.get() + ", not a bridge") + inNamespace());
            }
            HostCommand.Result up = host.run(List.of("ip", "link", "set", "dev", bridge, "up"), Map.of(), new byte[0]);
            if (!up.succeeded()) {
                throw new CniFailure("bridge", null, "cannot set bridge " + bridge + " of network " + network + " up: "
                        + HostCommand.oneLine(up.stderr()));
            }
        } catch (IOException e) {
            throw new CniFailure("bridge", null, "cannot make bridge " + bridge + " of network " + network + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void remove(String realm, String space) {
        String name = SpaceNetwork.networkName(realm, space);
        String bridge = SpaceNetwork.bridgeName(name);
        bridgesEnsured.remove(bridge);
        try {
            HostCommand.Result deleted = host.run(List.of("ip", "link", "delete", bridge, "type", "bridge"), Map.of(), new byte[0]);
            if (!deleted.succeeded() && linkKind(bridge).isPresent()) {
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
    public NetworkAttachment attach(String realm, String space, String containerId, Path netns, List<PortMapping> portMappings) {
        NetworkConfigList network = written(configFile(realm, space)).orElseThrow(() -> new CniFailure(null, null,
                "space \"" + space + "\" of realm \"" + realm + "\" has no network yet; its provisioning makes it"));
        masquerade.removeStaleBeforeAttach(network.name(), containerId, () -> leasesOf(network.name(), containerId));
        return cni.add(new Attachment(network, containerId, netns, CELL_INTERFACE, portMappings));
    }

    /**
     * The bridge plugin's masquerade rules of an address the container no longer holds are removed
     * before the DEL (they would make its chain undeletable) and all of them after it (a DEL
     * without the namespace leaves them).
     */
    @Override
    public void detach(String realm, String space, String containerId, Path netns) {
        Optional<NetworkConfigList> network = written(configFile(realm, space));
        // no config: the space's network was removed, and its leases and bridge with it
        if (network.isEmpty()) {
            return;
        }
        String name = network.get().name();
        masquerade.removeExcept(name, containerId, leasesOf(name, containerId));
        cni.delete(new Attachment(network.get(), containerId, netns, CELL_INTERFACE));
        masquerade.removeAll(name, containerId);
    }

    /** The addresses host-local has leased to {@code containerId} on {@code network}: files named for the address, holding the ID. */
    private Set<String> leasesOf(String network, String containerId) {
        Set<String> held = new TreeSet<>();
        Path dir = ipamDir.resolve(network);
        if (!Files.isDirectory(dir)) {
            return held;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String address = f.getFileName().toString();
                if (Ipv4.isAddress(address) && Files.readString(f).strip().split("\\s+")[0].equals(containerId)) {
                    held.add(address);
                }
            }
        } catch (IOException e) {
            throw new CniFailure("host-local", null, "cannot read the leases of network " + network + ": " + e.getMessage(), e);
        }
        return held;
    }

    @Override
    public Path hostNamespace() {
        return host.networkNamespace();
    }

    @Override
    public List<String> missingPlugins() {
        return SpaceNetwork.PLUGINS.stream().filter(type -> plugins.locate(type).isEmpty()).toList();
    }

    @Override
    public String pluginPath() {
        return plugins.searchPathText();
    }

    /** One {@code ip} run lists every bridge, however many spaces there are. */
    @Override
    public List<ObjectPath> missingBridges(Collection<ObjectPath> spaces) {
        HostCommand.Result listed;
        try {
            listed = host.run(List.of("ip", "-j", "link", "show", "type", "bridge"), Map.of(), new byte[0]);
        } catch (IOException e) {
            throw new CniFailure(null, null, "cannot list the bridges" + inNamespace() + ": " + e.getMessage(), e);
        }
        if (!listed.succeeded()) {
            throw new CniFailure(null, null, "cannot list the bridges" + inNamespace() + ": " + HostCommand.oneLine(listed.stderr()));
        }
        Set<String> bridges = new HashSet<>();
        try {
            CniJson.MAPPER.readTree(listed.stdout()).forEach(link -> bridges.add(link.path("ifname").asText()));
        } catch (JsonProcessingException e) {
            throw new CniFailure(null, null, "ip -j link show printed what is not JSON: " + HostCommand.oneLine(listed.stdout()), e);
        }
        return spaces.stream().filter(space -> !bridges.contains(
                SpaceNetwork.bridgeName(SpaceNetwork.networkName(space.realm(), space.name())))).toList();
    }

    private Path configFile(String realm, String space) {
        return configDir.resolve(SpaceNetwork.networkName(realm, space) + ".conflist");
    }

    private static Optional<NetworkConfigList> written(Path file) {
        return Files.isRegularFile(file) ? Optional.of(NetworkConfigList.read(file, "network config")) : Optional.empty();
    }

    /**
     * What kind of link {@code name} is ({@code ip -d}'s {@code info_kind}, e.g. {@code bridge},
     * {@code veth}; {@code ""} for a link without one), or empty when there is none of that name.
     */
    private Optional<String> linkKind(String name) throws IOException {
        HostCommand.Result shown = host.run(List.of("ip", "-j", "-d", "link", "show", "dev", name), Map.of(), new byte[0]);
        if (!shown.succeeded()) {
            if (shown.stderr().contains("does not exist")) {
                return Optional.empty();
            }
            throw new CniFailure(null, null, "cannot look up link " + name + inNamespace() + ": " + HostCommand.oneLine(shown.stderr()));
        }
        try {
            JsonNode links = CniJson.MAPPER.readTree(shown.stdout());
            return Optional.of(links.path(0).path("linkinfo").path("info_kind").asText(""));
        } catch (JsonProcessingException e) {
            throw new CniFailure(null, null, "ip -j link show printed what is not JSON: " + HostCommand.oneLine(shown.stdout()), e);
        }
    }

    private String inNamespace() {
        return host.networkNamespace() == null ? "" : " (in network namespace " + host.networkNamespace() + ")";
    }
}
