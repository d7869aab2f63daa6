package io.kukeon.network;

import io.kukeon.model.ObjectPath;
import io.kukeon.testing.NetworkNamespaces;
import io.kukeon.testing.NetworkNamespaces.Namespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CniSpaceNetworks} as kukeond builds it, against Debian's plugins: a namespace the test
 * makes stands for kukeond's {@code network-namespace} (the bridges, host veths and iptables rules
 * land there), another for a cell's root. Traffic goes only between them.
 */
@Tag("cni")
class CniSpaceNetworksRealTest {
    static final Ipv4Subnet SUBNET = Ipv4Subnet.parse("10.88.8.0/24", "test");
    static final String BRIDGE = SpaceNetwork.bridgeName(SpaceNetwork.networkName("main", "web"));

    @TempDir
    Path dataDir;
    NetworkNamespaces namespaces;
    Namespace host;

    @BeforeEach
    void hostNamespace() throws IOException {
        NetworkNamespaces.needPlugins();
        namespaces = new NetworkNamespaces("spacenet");
        host = namespaces.create("host").loopbackUp();
    }

    @AfterEach
    void removeEverything() throws IOException {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    /** What kukeond's HostPorts builds, with the test's namespace as {@code network-namespace}. */
    private CniSpaceNetworks networks() {
        return networks(List.of(NetworkNamespaces.PLUGINS), host.inside);
    }

    private CniSpaceNetworks networks(List<Path> pluginPath, HostCommand where) {
        Path dir = dataDir.resolve("network");
        CniPlugins plugins = new CniPlugins(pluginPath, where);
        return new CniSpaceNetworks(new CniPluginRuntime(plugins, dir.resolve("cache")), plugins, where,
                SubnetPool.of(SubnetPool.DEFAULT), List.of(), dir);
    }

    private Path ipamDir() {
        return dataDir.resolve("network/ipam/main-web");
    }

    private Path conflist() {
        return dataDir.resolve("network/conf/main-web.conflist");
    }

    /** Every file host-local keeps for the network: a lease per address, its last reserved address, its lock. */
    private List<String> ipamFiles() throws IOException {
        if (!Files.isDirectory(ipamDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(ipamDir())) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> leases() throws IOException {
        return ipamFiles().stream().filter(Ipv4::isAddress).toList();
    }

    /** The bridge as {@code ip -d} shows it, without its timers, which tick (its index tells a bridge made again). */
    private String bridgeLink() throws IOException {
        return host.ok("ip", "-d", "-o", "link", "show", "dev", BRIDGE).replaceAll("\\S+_timer\\s+[0-9.]+", "");
    }

    /**
     * A user's conflist: ADD with it; after a restart (a new instance) with the file gone, DEL still
     * releases the lease (kukeond's record keeps the config ADD used, libcni's cache the result);
     * remove leaves the user's file and deletes only the bridge it made.
     */
    @Test
    void aUsersNetworkIsDetachedAfterARestartWithItsFileGoneAndRemoveLeavesTheFile() throws Exception {
        Namespace cell = namespaces.create("cell");
        Path userIpam = dataDir.resolve("user-ipam");
        Path file = dataDir.resolve("shop.conflist");
        String content = """
                {"cniVersion": "1.0.0", "name": "shop", "plugins": [{"type": "bridge", "bridge": "shop0", "isGateway": true,
                  "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.89.7.0/24"}]], "dataDir": "%s"}}]}""".formatted(userIpam);
        Files.writeString(file, content);

        NetworkConfigList list = networks().ensure("main", "shop", SpaceNetworkSource.file(file));
        assertEquals("shop", list.name());
        assertFalse(Files.exists(dataDir.resolve("network/conf/main-shop.conflist")), "no conflist of kukeond's");
        NetworkAttachment attached = networks().attach("main", "shop", "root-1", cell.path, List.of());
        assertEquals("shop0", attached.bridge());
        assertTrue(Files.exists(userIpam.resolve("shop").resolve(attached.address())), "leased into the file's dataDir");

        Files.delete(file);
        networks().detach("main", "shop", "root-1", cell.path);   // a new instance: a restarted kukeond

        assertFalse(Files.exists(userIpam.resolve("shop").resolve(attached.address())), "the lease is released without the file");
        assertFalse(cell.run("ip", "link", "show", "eth0").succeeded());

        Files.writeString(file, content);
        networks().remove("main", "shop");
        assertEquals(content, Files.readString(file), "the user's file is never written or deleted");
        assertFalse(host.run("ip", "link", "show", "shop0").succeeded(), "the bridge ensure made goes with the space");
        assertFalse(Files.exists(dataDir.resolve("network/conf/main-shop.user-network.json")));
    }

    /** A plugin the user's file names that is not on the plugin path: a clear error naming it, nothing made. */
    @Test
    void aUsersNetworkNamingAMissingPluginIsRefusedNamingIt() throws Exception {
        Path file = dataDir.resolve("odd.conflist");
        Files.writeString(file, """
                {"cniVersion": "1.0.0", "name": "odd", "plugins": [{"type": "bridge", "bridge": "odd0"}, {"type": "no-such-plugin"}]}""");
        CniFailure failure = assertThrows(CniFailure.class, () -> networks().ensure("main", "odd", SpaceNetworkSource.file(file)));
        assertTrue(failure.getMessage().contains("names CNI plugin(s) no-such-plugin not found in " + NetworkNamespaces.PLUGINS),
                failure.getMessage());
        assertFalse(host.run("ip", "link", "show", "odd0").succeeded(), "no bridge made");
    }

    @Test
    void ensureMakesTheBridgeInTheNetworkNamespaceAndAgainChangesNothing() throws Exception {
        NetworkConfigList list = networks().ensure("main", "web", SpaceNetworkSource.pooled(SUBNET));

        String bridge = bridgeLink();
        assertTrue(bridge.contains(" bridge "), bridge);
        assertTrue(bridge.contains("state UP") || bridge.contains(",UP"), bridge);
        assertEquals(BRIDGE, list.bridgeName());
        String written = Files.readString(conflist());
        assertFalse(NetworkNamespaces.linkExistsOnTheMachine(BRIDGE), "nothing is made in the machine's own namespace");

        assertEquals(list, networks().ensure("main", "web", SpaceNetworkSource.pooled(SUBNET)));   // a new instance: what a restarted kukeond has

        assertEquals(bridge, bridgeLink());
        assertEquals(written, Files.readString(conflist()));
    }

    /**
     * A running kukeond looks at a space's bridge once, though each cell's start ensures its
     * network: a bridge removed behind its back afterwards is made again by the next attach (the
     * bridge plugin makes a missing bridge), and the cell reaches its gateway.
     */
    @Test
    void aBridgeRemovedAfterItWasEnsuredIsMadeAgainByTheNextAttach() throws Exception {
        CniSpaceNetworks running = networks();
        running.ensure("main", "web", SpaceNetworkSource.pooled(SUBNET));
        host.ok("ip", "link", "del", "dev", BRIDGE);   // a hand, behind kukeond's back

        running.ensure("main", "web", SpaceNetworkSource.pooled(SUBNET));   // what the next cell's start does first
        Namespace cell = namespaces.create("cell");
        NetworkAttachment attached = running.attach("main", "web", "root-1", cell.path, List.of());

        String bridge = bridgeLink();
        assertTrue(bridge.contains(" bridge ") && (bridge.contains("state UP") || bridge.contains(",UP")), bridge);
        cell.ok("busybox", "ping", "-c", "1", "-W", "3", attached.gateway());
    }

    /** The bridge a kukeond looked at once is looked at again after it removed the network itself. */
    @Test
    void aNetworkRemovedAndEnsuredAgainByTheSameKukeondHasItsBridge() throws Exception {
        CniSpaceNetworks running = networks();
        running.ensure("main", "web", SpaceNetworkSource.pooled(SUBNET));
        running.remove("main", "web");

        running.ensure("main", "web", SpaceNetworkSource.pooled(SUBNET));

        assertTrue(bridgeLink().contains(" bridge "), "the bridge is made again");
    }

    @Test
    void aCellAttachedGetsAnAddressOfTheSpaceReachesTheGatewayAndKeepsItsOneLease() throws Exception {
        Namespace cell = namespaces.create("cell");
        networks().ensure("main", "web", SpaceNetworkSource.pooled(SUBNET));

        NetworkAttachment attached = networks().attach("main", "web", "root-1", cell.path, List.of());

        assertTrue(SUBNET.contains(Ipv4.parse(attached.address())), attached.toString());
        assertEquals("10.88.8.1", attached.gateway());
        assertEquals(BRIDGE, attached.bridge());
        assertTrue(cell.ok("ip", "-o", "-4", "addr", "show", "dev", "eth0").contains(attached.cidr()));
        assertTrue(host.ok("ip", "-o", "-4", "addr", "show", "dev", BRIDGE).contains("10.88.8.1/24"),
                "the bridge plugin gives the bridge ensure made its gateway address");
        cell.ok("busybox", "ping", "-c", "1", "-W", "3", attached.gateway());
        List<String> files = ipamFiles();
        assertEquals(List.of(attached.address()), leases());

        NetworkAttachment again = networks().attach("main", "web", "root-1", cell.path, List.of());

        assertEquals(attached, again);
        assertEquals(files, ipamFiles(), "no second lease");
    }

    @Test
    void detachReleasesTheLeaseAndTakesEth0FromTheCell() throws Exception {
        Namespace cell = namespaces.create("cell");
        networks().ensure("main", "web", SpaceNetworkSource.pooled(SUBNET));
        NetworkAttachment attached = networks().attach("main", "web", "root-1", cell.path, List.of());

        networks().detach("main", "web", "root-1", cell.path);

        assertEquals(List.of(), leases());
        assertFalse(cell.ok("ip", "-o", "link").contains("eth0"));
        assertFalse(host.ok("ip", "-o", "link").contains(attached.hostInterface()));
        networks().detach("main", "web", "root-1", cell.path);   // gone already: success
    }

    /** A root that died before its cell's stop: its namespace, and the veth with it, went; the lease is released. */
    @Test
    void detachAfterTheCellsNamespaceIsGoneReleasesTheLease() throws Exception {
        Namespace cell = namespaces.create("cell");
        networks().ensure("main", "web", SpaceNetworkSource.pooled(SUBNET));
        NetworkAttachment attached = networks().attach("main", "web", "root-1", cell.path, List.of());
        namespaces.delete(cell);

        networks().detach("main", "web", "root-1", null);

        assertEquals(List.of(), leases());
        assertFalse(host.ok("ip", "-o", "link").contains(attached.hostInterface()));
    }

    /**
     * Found by the storm: the bridge plugin's DEL removes its masquerade rule only when it is given
     * the namespace, so a stop (the root gone) left the rule and its chain; the next start added a
     * second rule to that chain, and the DEL after it failed "CHAIN_DEL failed (Device or resource
     * busy)", failing every later start of the cell. The rules and the chain now go with the DEL.
     */
    @Test
    void aStopAndStartAgainLeaveNoMasqueradeRuleAndTheNextDeleteSucceeds() throws Exception {
        networks().ensure("main", "web", SpaceNetworkSource.pooled(SUBNET));
        for (int round = 0; round < 3; round++) {
            Namespace cell = namespaces.create("cell" + round);
            networks().attach("main", "web", "root-1", cell.path, List.of());
            assertEquals(1, masqueradeRules("root-1"), "one rule while attached");
            namespaces.delete(cell);   // the root stopped: its namespace went
            networks().detach("main", "web", "root-1", null);
            assertEquals(0, masqueradeRules("root-1"), "no rule left after the stop, round " + round);
        }
        Namespace cell = namespaces.create("last");
        networks().attach("main", "web", "root-1", cell.path, List.of());
        networks().detach("main", "web", "root-1", cell.path);   // with the namespace: the plugin's own teardown
        assertEquals(0, masqueradeRules("root-1"));
        assertFalse(host.ok("iptables", "-t", "nat", "-S").contains("id: \\\"root-1\\\""), "nor its chain");
    }

    /** An earlier daemon's DEL left a rule of an address the container no longer holds: the next attach and DEL clear it. */
    @Test
    void aMasqueradeRuleLeftByAnEarlierDeleteIsClearedAndDoesNotBlockTheNext() throws Exception {
        networks().ensure("main", "web", SpaceNetworkSource.pooled(SUBNET));
        Namespace first = namespaces.create("first");
        networks().attach("main", "web", "root-1", first.path, List.of());
        namespaces.delete(first);
        // what the daemon before this fix did at a stop: the plugins' DEL alone
        new CniPluginRuntime(new CniPlugins(List.of(NetworkNamespaces.PLUGINS), host.inside), dataDir.resolve("network/cache"))
                .delete(new Attachment(NetworkConfigList.read(conflist(), "test"), "root-1", null, "eth0"));
        assertEquals(1, masqueradeRules("root-1"), "the plugin left its rule");

        Namespace second = namespaces.create("second");
        networks().attach("main", "web", "root-1", second.path, List.of());
        assertEquals(1, masqueradeRules("root-1"), "the stale rule went before the new one came");
        networks().detach("main", "web", "root-1", second.path);
        assertEquals(0, masqueradeRules("root-1"));
    }

    /**
     * A running kukeond lists the masquerade rules at its first attach only, and after that looks
     * before an ADD only at attachments that may have rules: one it attached and did not detach
     * cleanly (here its DEL ran alone, as a detach that failed halfway leaves it) is still cleared
     * before its next ADD, and the DEL after that succeeds; one detached cleanly starts again clean.
     */
    @Test
    void aRuleLeftWhileTheSameKukeondRunsIsClearedBeforeTheNextAttach() throws Exception {
        CniSpaceNetworks running = networks();
        running.ensure("main", "web", SpaceNetworkSource.pooled(SUBNET));
        Namespace other = namespaces.create("other");
        running.attach("main", "web", "root-0", other.path, List.of());   // the first attach: the one listing
        Namespace first = namespaces.create("first");
        running.attach("main", "web", "root-1", first.path, List.of());
        namespaces.delete(first);
        new CniPluginRuntime(new CniPlugins(List.of(NetworkNamespaces.PLUGINS), host.inside), dataDir.resolve("network/cache"))
                .delete(new Attachment(NetworkConfigList.read(conflist(), "test"), "root-1", null, "eth0"));
        assertEquals(1, masqueradeRules("root-1"), "the plugin left its rule");

        Namespace second = namespaces.create("second");
        running.attach("main", "web", "root-1", second.path, List.of());
        assertEquals(1, masqueradeRules("root-1"), "the stale rule went before the new one came");
        running.detach("main", "web", "root-1", second.path);
        assertEquals(0, masqueradeRules("root-1"));

        Namespace third = namespaces.create("third");
        running.attach("main", "web", "root-1", third.path, List.of());
        assertEquals(1, masqueradeRules("root-1"));
        namespaces.delete(third);
        running.detach("main", "web", "root-1", null);
        assertEquals(0, masqueradeRules("root-1"));
        assertEquals(1, masqueradeRules("root-0"), "another attachment's rule is left alone");
    }

    private long masqueradeRules(String containerId) throws IOException {
        return host.ok("iptables", "-t", "nat", "-S", "POSTROUTING").lines()
                .filter(l -> l.contains("id: \\\"" + containerId + "\\\"")).count();
    }

    @Test
    void removeTakesTheBridgeTheConfigAndTheLeasesAndTwiceIsFine() throws Exception {
        Namespace cell = namespaces.create("cell");
        networks().ensure("main", "web", SpaceNetworkSource.pooled(SUBNET));
        networks().attach("main", "web", "root-1", cell.path, List.of());
        assertTrue(Files.isDirectory(ipamDir()));

        networks().remove("main", "web");

        assertFalse(host.run("ip", "link", "show", "dev", BRIDGE).succeeded(), "the bridge is gone");
        assertFalse(Files.exists(conflist()));
        assertFalse(Files.exists(ipamDir()));
        networks().remove("main", "web");
        networks().detach("main", "web", "root-1", null);   // the cell's stop after its space's network went: nothing to do
    }

    @Test
    void attachingToASpaceNeverEnsuredSaysSoAndChangesNothing() throws Exception {
        Namespace cell = namespaces.create("cell");

        CniFailure failure = assertThrows(CniFailure.class, () -> networks().attach("main", "web", "root-1", cell.path, List.of()));

        assertTrue(failure.getMessage().contains("space \"web\" of realm \"main\" has no network yet"), failure.getMessage());
        assertFalse(cell.ok("ip", "-o", "link").contains("eth0"));
        assertFalse(host.run("ip", "link", "show", "dev", BRIDGE).succeeded());
    }

    @Test
    void aLinkOfTheBridgesNameThatIsNoBridgeIsAClearFailure() throws Exception {
        host.ok("ip", "link", "add", "name", BRIDGE, "type", "veth", "peer", "name", "k-other");

        CniFailure failure = assertThrows(CniFailure.class, () -> networks().ensure("main", "web", SpaceNetworkSource.pooled(SUBNET)));

        assertTrue(failure.getMessage().contains("a veth, not a bridge"), failure.getMessage());
        assertTrue(failure.getMessage().contains(BRIDGE) && failure.getMessage().contains(host.name), failure.getMessage());
        assertTrue(bridgeLink().contains(" veth "), "the link is left as it was");
    }

    /** What kuke status's network row asks: one listing of the bridges in the network namespace. */
    @Test
    void missingBridgesAreThoseOfSpacesWithoutTheirBridgeInTheNetworkNamespace() throws Exception {
        ObjectPath web = ObjectPath.of("main", "web");
        ObjectPath db = ObjectPath.of("main", "db");
        networks().ensure("main", "web", SpaceNetworkSource.pooled(SUBNET));

        assertEquals(List.of(db), networks().missingBridges(List.of(web, db)));

        host.ok("ip", "link", "del", "dev", BRIDGE);   // what a reboot, or a hand, leaves
        assertEquals(List.of(web, db), networks().missingBridges(List.of(web, db)));
        assertEquals(List.of(), networks().missingBridges(List.of()));
    }

    @Test
    void bridgesThatCannotBeListedAreAFailureNamingTheNamespace() {
        Path gone = Path.of("/run/netns", host.name + "-never-made");
        CniSpaceNetworks elsewhere = networks(List.of(NetworkNamespaces.PLUGINS), new HostCommand(gone, Duration.ofSeconds(10)));

        CniFailure failure = assertThrows(CniFailure.class, () -> elsewhere.missingBridges(List.of(ObjectPath.of("main", "web"))));

        assertTrue(failure.getMessage().contains("cannot list the bridges (in network namespace " + gone + ")"), failure.getMessage());
    }

    @Test
    void missingPluginsAreNamedWithTheSearchPath() throws Exception {
        assertEquals(List.of(), networks().missingPlugins());
        Path partial = Files.createDirectories(dataDir.resolve("partial-cni"));
        for (String type : List.of("bridge", "host-local")) {
            Files.createSymbolicLink(partial.resolve(type), NetworkNamespaces.PLUGINS.resolve(type));
        }
        CniSpaceNetworks withoutSome = networks(List.of(partial), host.inside);

        assertEquals(List.of("portmap", "loopback"), withoutSome.missingPlugins());
        assertEquals(partial.toString(), withoutSome.pluginPath());
    }
}
