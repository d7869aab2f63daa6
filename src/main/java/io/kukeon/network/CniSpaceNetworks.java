package io.kukeon.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kukeon.model.ObjectPath;
import io.kukeon.secrets.FileModes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
    public synchronized NetworkConfigList ensure(String realm, String space, SpaceNetworkSource source) {
        if (source.fromFile()) {
            return ensureUserNetwork(realm, space, source.file());
        }
        NetworkConfigList wanted = SpaceNetwork.configList(realm, space, source.subnet(), ipamDir);
        Path file = configFile(realm, space);
        if (Files.exists(userNetworkFile(realm, space))) {
            throw changedSource(realm, space, "has a network from spec.cniConfigPath", "kukeond's own");
        }
        try {
            if (!wanted.equals(written(file).orElse(null))) {
                FileModes.createPrivateDirectories(configDir);
                FileModes.writePrivateFile(file, wanted.toJson().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new CniFailure(null, null, "cannot write the network config " + file + ": " + e.getMessage(), e);
        }
        if (!bridgesEnsured.contains(wanted.bridgeName())) {
            ensureBridge(wanted.bridgeName(), wanted.name());
            bridgesEnsured.add(wanted.bridgeName());
        }
        return wanted;
    }

    /**
     * A network from the user's conflist: read and checked (its plugins on the path), its bridge
     * made when it is not there, and what is in use recorded under the data dir (never in the
     * user's file): the config, so that DEL works when the file changed or vanished, and whether
     * kukeond made the bridge, so that {@link #remove} deletes only a bridge of its own.
     */
    private NetworkConfigList ensureUserNetwork(String realm, String space, Path file) {
        UserNetwork network = UserNetwork.read(file.toString());
        List<String> missing = network.config().plugins().stream().map(PluginConfig::type).distinct()
                .filter(type -> plugins.locate(type).isEmpty()).toList();
        if (!missing.isEmpty()) {
            throw new CniFailure(missing.get(0), null, UserNetwork.FIELD + ": " + file + " names CNI plugin(s) "
                    + String.join(", ", missing) + " not found in " + plugins.searchPathText() + " (cni-plugin-path)");
        }
        if (Files.exists(configFile(realm, space))) {
            throw changedSource(realm, space, "has kukeond's own network", "spec.cniConfigPath " + file);
        }
        Optional<UserNetworkRecord> current = UserNetworkRecord.read(userNetworkFile(realm, space));
        if (current.isPresent() && !current.get().config().name().equals(network.name())) {
            throw new CniFailure(null, null, UserNetwork.FIELD + ": the \"name\" of " + file + " changed from \""
                    + current.get().config().name() + "\" to \"" + network.name() + "\" since space \"" + space + "\" of realm \""
                    + realm + "\" made its network (its leases and attachments are kept under the old name); put the"
                    + " name back, or delete the space and recreate it");
        }
        boolean bridgeMade = current.map(UserNetworkRecord::bridgeMade).orElse(false);
        boolean bridgeChecked = network.bridge() == null || bridgesEnsured.contains(network.bridge());   // once per kukeond, as ours
        try {
            if (!bridgeChecked && !bridgeMade && linkKind(network.bridge()).isEmpty()) {
                bridgeMade = true;   // written before it is made: a crash in between leaves no bridge of ours unknown
            }
        } catch (IOException e) {
            throw new CniFailure("bridge", null, "cannot look up bridge " + network.bridge() + ": " + e.getMessage(), e);
        }
        UserNetworkRecord wanted = new UserNetworkRecord(file, network.config(), bridgeMade);
        if (!wanted.equals(current.orElse(null))) {
            wanted.write(userNetworkFile(realm, space));
        }
        if (!bridgeChecked) {
            ensureBridge(network.bridge(), network.name());
            bridgesEnsured.add(network.bridge());
        }
        return network.config();
    }

    private static CniFailure changedSource(String realm, String space, String has, String asked) {
        return new CniFailure(null, null, "space \"" + space + "\" of realm \"" + realm + "\" " + has + "; it cannot"
                + " change to " + asked + " (delete the space and recreate it)");
    }

    /** Makes the network's bridge and sets it up, unless it is there; a link of its name that is no bridge is a failure. */
    private void ensureBridge(String bridge, String network) {
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

    /**
     * A network of kukeond's goes whole: bridge, leases, config. A user's network: the attachments
     * kukeond still has on it are deleted (DEL with the config they were made with), the bridge
     * only when kukeond made it, then kukeond's record of it; the user's file and the rest of its
     * IPAM state are the user's.
     */
    @Override
    public synchronized void remove(String realm, String space) {
        Path userRecordFile = userNetworkFile(realm, space);
        Optional<UserNetworkRecord> user = UserNetworkRecord.read(userRecordFile);
        if (user.isPresent()) {
            NetworkConfigList config = user.get().config();
            for (Attachment left : cni.attachments(config)) {   // cells whose own DEL failed; none when every detach did its part
                cni.delete(left);
                masquerade.removeAll(config.name(), left.containerId());
            }
            if (user.get().bridgeMade() && config.bridgeName() != null) {
                deleteBridge(config.bridgeName(), config.name());
            }
            try {
                Files.deleteIfExists(userRecordFile);
            } catch (IOException e) {
                throw new CniFailure(null, null, "cannot remove " + userRecordFile + ": " + e.getMessage(), e);
            }
            return;
        }
        String name = SpaceNetwork.networkName(realm, space);
        deleteBridge(SpaceNetwork.bridgeName(name), name);
        try {
            FileModes.deleteTree(ipamDir.resolve(name));
            Files.deleteIfExists(configFile(realm, space));
        } catch (IOException e) {
            throw new CniFailure(null, null, "cannot remove network " + name + ": " + e.getMessage(), e);
        }
    }

    private void deleteBridge(String bridge, String network) {
        bridgesEnsured.remove(bridge);
        try {
            HostCommand.Result deleted = host.run(List.of("ip", "link", "delete", bridge, "type", "bridge"), Map.of(), new byte[0]);
            if (!deleted.succeeded() && linkKind(bridge).isPresent()) {
                throw new CniFailure("bridge", null, "cannot remove bridge " + bridge + " of network " + network + ": "
                        + HostCommand.oneLine(deleted.stderr()));
            }
        } catch (IOException e) {
            throw new CniFailure("bridge", null, "cannot remove bridge " + bridge + " of network " + network + ": " + e.getMessage(), e);
        }
    }

    @Override
    public NetworkAttachment attach(String realm, String space, String containerId, Path netns, List<PortMapping> portMappings) {
        NetworkConfigList network = inUse(realm, space).orElseThrow(() -> new CniFailure(null, null,
                "space \"" + space + "\" of realm \"" + realm + "\" has no network yet; its provisioning makes it"));
        masquerade.removeStaleBeforeAttach(network.name(), containerId, () -> leasesOf(network, containerId));
        return cni.add(new Attachment(network, containerId, netns, CELL_INTERFACE, portMappings));
    }

    /**
     * The bridge plugin's masquerade rules of an address the container no longer holds are removed
     * before the DEL (they would make its chain undeletable) and all of them after it (a DEL
     * without the namespace leaves them).
     */
    @Override
    public void detach(String realm, String space, String containerId, Path netns) {
        Optional<NetworkConfigList> network = inUse(realm, space);
        // no config: the space's network was removed, and its leases and bridge with it
        if (network.isEmpty()) {
            return;
        }
        String name = network.get().name();
        masquerade.removeExcept(name, containerId, leasesOf(network.get(), containerId));
        cni.delete(new Attachment(network.get(), containerId, netns, CELL_INTERFACE));
        masquerade.removeAll(name, containerId);
    }

    /** The addresses host-local has leased to {@code containerId} on {@code network}: files named for the address, holding the ID. */
    /**
     * The container ID a host-local lease file holds; empty when the lease is gone: another cell's
     * DEL may release it between the listing of the directory and the read.
     */
    static Optional<String> leaseHolder(Path lease) throws IOException {
        try {
            return Optional.of(Files.readString(lease).strip().split("\\s+")[0]);
        } catch (NoSuchFileException released) {
            return Optional.empty();
        }
    }

    private Set<String> leasesOf(NetworkConfigList network, String containerId) {
        Set<String> held = new TreeSet<>();
        Path dir = UserNetwork.leaseDir(network);
        if (dir == null || !Files.isDirectory(dir)) {
            return held;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String address = f.getFileName().toString();
                if (Ipv4.isAddress(address) && leaseHolder(f).filter(containerId::equals).isPresent()) {
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
        return spaces.stream().filter(space -> {
            String bridge = bridgeOf(space.realm(), space.name());
            return bridge != null && !bridges.contains(bridge);
        }).toList();
    }

    /** The bridge a space's cells hang on: kukeond's {@code k-…}, or the one of the user's network (null: it has none). */
    private String bridgeOf(String realm, String space) {
        Optional<UserNetworkRecord> user = UserNetworkRecord.read(userNetworkFile(realm, space));
        return user.isPresent() ? user.get().config().bridgeName() : SpaceNetwork.bridgeName(SpaceNetwork.networkName(realm, space));
    }

    /** The config the space's cells are attached with: kukeond's conflist, or the copy of the user's as last ensured. */
    private Optional<NetworkConfigList> inUse(String realm, String space) {
        Optional<NetworkConfigList> own = written(configFile(realm, space));
        return own.isPresent() ? own : UserNetworkRecord.read(userNetworkFile(realm, space)).map(UserNetworkRecord::config);
    }

    private Path configFile(String realm, String space) {
        return configDir.resolve(SpaceNetwork.networkName(realm, space) + ".conflist");
    }

    /** Kukeond's record of a user's network in use; not a conflist, so nothing takes it for one. */
    private Path userNetworkFile(String realm, String space) {
        return configDir.resolve(SpaceNetwork.networkName(realm, space) + ".user-network.json");
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
