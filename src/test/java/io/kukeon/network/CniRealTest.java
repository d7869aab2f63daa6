package io.kukeon.network;

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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CNI runtime against Debian's plugins ({@code containernetworking-plugins} in /usr/lib/cni)
 * and a space's config list. Everything runs in namespaces the test makes: a "host" namespace
 * where the plugins run (the bridge, the host veths and the iptables rules land there) and one
 * namespace per cell; traffic goes only between them.
 */
@Tag("cni")
class CniRealTest {
    static final Path PLUGINS = NetworkNamespaces.PLUGINS;
    static final Ipv4Subnet SUBNET = Ipv4Subnet.parse("10.88.7.0/24", "test");

    @TempDir
    Path dataDir;
    NetworkNamespaces namespaces;
    Namespace host;
    NetworkConfigList network;

    @BeforeEach
    void hostNamespace() throws IOException {
        NetworkNamespaces.needPlugins();
        namespaces = new NetworkNamespaces("cni");
        host = namespaces.create("host").loopbackUp();
        network = SpaceNetwork.configList("main", "web", SUBNET, dataDir.resolve("network/ipam"));
    }

    @AfterEach
    void removeEverything() throws IOException {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    private CniPluginRuntime runtime() {
        return new CniPluginRuntime(new CniPlugins(List.of(PLUGINS), host.inside),
                dataDir.resolve("network/cache"));
    }

    private Attachment attachment(String containerId, Namespace cell, PortMapping... ports) {
        return new Attachment(network, containerId, cell == null ? null : cell.path, "eth0", List.of(ports));
    }

    /** The addresses host-local has leased, one file each, named by the address. */
    private List<String> leases() throws IOException {
        Path dir = dataDir.resolve("network/ipam").resolve(network.name());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(Ipv4::isAddress).sorted().toList();
        }
    }

    /** A busybox httpd serving {@code body} on port 80 of the cell; ended (by PID) after the test. */
    private void serve(Namespace cell, String body) throws Exception {
        Path root = Files.createDirectories(dataDir.resolve("www-" + cell.name));
        Files.writeString(root.resolve("index.html"), body);
        cell.startServer(80, "busybox", "httpd", "-f", "-p", "80", "-h", root.toString());
    }

    /** Bounded by the tool timeout of {@link NetworkNamespaces}: Debian's busybox wget 1.35 crashes (SIGSEGV) with {@code -T}. */
    private static String fetch(Namespace from, String url) throws IOException {
        return from.ok("busybox", "wget", "-q", "-O", "-", url);
    }

    @Test
    void addGivesAnAddressInTheSpacesSlash24AndTheBridgeAppearsInTheHostNamespace() throws Exception {
        Namespace cell = namespaces.create("c1");

        NetworkAttachment attached = runtime().add(attachment("ctr-1", cell));

        assertTrue(SUBNET.contains(Ipv4.parse(attached.address())), attached.toString());
        assertEquals(24, attached.prefixLength());
        assertEquals("10.88.7.1", attached.gateway());
        assertEquals(SpaceNetwork.bridgeName("main-web"), attached.bridge());
        assertNotNull(attached.hostInterface());
        String bridge = host.ok("ip", "-o", "-4", "addr", "show", "dev", attached.bridge());
        assertTrue(bridge.contains("10.88.7.1/24"), bridge);
        assertTrue(host.ok("ip", "-o", "link", "show", "master", attached.bridge()).contains(attached.hostInterface()));
        assertTrue(cell.ok("ip", "-o", "-4", "addr", "show", "dev", "eth0").contains(attached.cidr()));
        assertTrue(cell.ok("ip", "-o", "link", "show", "lo").contains("UP"), "the loopback plugin brings lo up");
        assertTrue(cell.ok("ip", "route").contains("default via 10.88.7.1"));
        assertEquals(List.of(attached.address()), leases());
        assertEquals("ctr-1", Files.readAllLines(dataDir.resolve("network/ipam/main-web").resolve(attached.address())).get(0).strip());
    }

    @Test
    void twoCellsGetDifferentAddressesAndReachEachOther() throws Exception {
        Namespace one = namespaces.create("c1");
        Namespace two = namespaces.create("c2");
        CniPluginRuntime runtime = runtime();

        NetworkAttachment first = runtime.add(attachment("ctr-1", one));
        NetworkAttachment second = runtime.add(attachment("ctr-2", two));

        assertNotEquals(first.address(), second.address());
        assertEquals(first.bridge(), second.bridge());
        one.ok("busybox", "ping", "-c", "1", "-W", "3", second.address());
        serve(two, "hello from two");
        assertEquals("hello from two", fetch(one, "http://" + second.address() + "/index.html"));
    }

    @Test
    void aSecondAddOfTheSameContainerGivesTheSameAddressAndOneLease() throws Exception {
        Namespace cell = namespaces.create("c1");
        NetworkAttachment first = runtime().add(attachment("ctr-1", cell));

        NetworkAttachment again = runtime().add(attachment("ctr-1", cell));

        assertEquals(first, again);
        assertEquals(List.of(first.address()), leases());
        assertEquals(1, host.ok("ip", "-o", "link", "show", "master", first.bridge()).lines().count(), "one host veth");
    }

    /**
     * Debian's portmap 1.1.1 fails CHECK of every IPv4-only attachment with ports (it looks for
     * IPv6 rules it never made, containernetworking/plugins#819): a repeated ADD then undoes and
     * redoes the attachment, at the same address.
     */
    @Test
    void aSecondAddWithPublishedPortsKeepsTheAddressAndOneLease() throws Exception {
        Namespace cell = namespaces.create("c1");
        PortMapping web = new PortMapping(8080, 80, "tcp", "");
        NetworkAttachment first = runtime().add(attachment("ctr-1", cell, web));
        runtime().add(attachment("ctr-2", namespaces.create("c2")));   // the next free address is taken meanwhile

        NetworkAttachment again = runtime().add(attachment("ctr-1", cell, web));

        assertEquals(first.address(), again.address());
        assertEquals(2, leases().size());
        assertEquals(1, host.ok("iptables", "-t", "nat", "-S").lines()
                .filter(rule -> rule.contains("-j DNAT") && rule.contains("--dport 8080")).count());
    }

    @Test
    void anAttachmentThatNoLongerHoldsIsMadeAgainAtItsAddress() throws Exception {
        Namespace cell = namespaces.create("c1");
        NetworkAttachment first = runtime().add(attachment("ctr-1", cell));
        runtime().add(attachment("ctr-2", namespaces.create("c2")));
        cell.ok("ip", "link", "del", "eth0");   // its veth is gone (both ends)

        NetworkAttachment again = runtime().add(attachment("ctr-1", cell));

        assertEquals(first.address(), again.address());
        assertTrue(cell.ok("ip", "-o", "-4", "addr", "show", "dev", "eth0").contains(first.cidr()));
        assertEquals(2, leases().size());
        runtime().check(attachment("ctr-1", cell));
    }

    /** What kill -9 of kukeond after the bridge plugin's ADD, before the chain ended, leaves: a veth, a lease, an entry without result. */
    @Test
    void anAddInterruptedByACrashIsUndoneAndMadeAgainWithOneLease() throws Exception {
        Namespace cell = namespaces.create("c1");
        Attachment attachment = attachment("ctr-1", cell);
        new ResultCache(dataDir.resolve("network/cache")).write(new ResultCache.Entry(network, "ctr-1", "eth0", List.of(), null));
        new CniPlugins(List.of(PLUGINS), host.inside)
                .run("ADD", attachment, cell.path, "", network.pluginInput(0, CniJson.MAPPER.createObjectNode(), null));
        assertEquals(1, leases().size());

        NetworkAttachment attached = runtime().add(attachment);

        assertEquals(List.of(attached.address()), leases());
        assertEquals(1, host.ok("ip", "-o", "link", "show", "master", attached.bridge()).lines().count(), "one host veth");
        runtime().check(attachment);
    }

    /** Cells of a space start at once: the first ADDs race to make the bridge. */
    @Test
    void parallelAddsOnANewBridgeGetOneAddressEach() throws Exception {
        List<Namespace> cells = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cells.add(namespaces.create("c" + i));
        }
        CniPluginRuntime runtime = runtime();

        List<java.util.concurrent.CompletableFuture<NetworkAttachment>> adds = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            Attachment attachment = attachment("ctr-" + i, cells.get(i));
            adds.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> runtime.add(attachment)));
        }
        List<String> addresses = new ArrayList<>();
        for (var add : adds) {
            addresses.add(add.get(60, java.util.concurrent.TimeUnit.SECONDS).address());
        }

        assertEquals(4, addresses.stream().distinct().count(), addresses.toString());
        assertEquals(addresses.stream().sorted().toList(), leases());
        cells.get(0).ok("busybox", "ping", "-c", "1", "-W", "3", addresses.get(3));
    }

    @Test
    void deleteFreesTheLeaseTwiceIsFineAndWorksFromAFreshInstance() throws Exception {
        Namespace cell = namespaces.create("c1");
        NetworkAttachment attached = runtime().add(attachment("ctr-1", cell));

        runtime().delete(attachment("ctr-1", cell));   // a new instance: what a restarted kukeond has
        runtime().delete(attachment("ctr-1", cell));

        assertEquals(List.of(), leases());
        assertFalse(cell.ok("ip", "-o", "link").contains("eth0"));
        assertFalse(host.ok("ip", "-o", "link").contains(attached.hostInterface()));
        assertFalse(Files.exists(dataDir.resolve("network/cache/main-web")));
    }

    @Test
    void deleteWorksAfterTheCellsNamespaceIsGone() throws Exception {
        Namespace cell = namespaces.create("c1");
        PortMapping web = new PortMapping(8080, 80, "tcp", "");
        runtime().add(attachment("ctr-1", cell, web));
        Namespace other = namespaces.create("c2");
        runtime().add(attachment("ctr-2", other));

        namespaces.delete(cell);
        runtime().delete(attachment("ctr-1", null));
        namespaces.delete(other);
        runtime().delete(attachment("ctr-2", other));   // a path that no longer exists is gone as well

        assertEquals(List.of(), leases());
        String nat = host.ok("iptables", "-t", "nat", "-S");
        assertFalse(nat.contains("id: \"ctr-1\"") || nat.contains("--dport 8080"), nat);
    }

    @Test
    void aPublishedPortAnswersFromTheHostNamespace() throws Exception {
        Namespace cell = namespaces.create("c1");
        NetworkAttachment attached = runtime().add(attachment("ctr-1", cell, new PortMapping(8080, 80, "tcp", "0.0.0.0")));
        serve(cell, "published");

        assertEquals("published", fetch(host, "http://" + attached.gateway() + ":8080/index.html"));
        assertEquals("published", fetch(host, "http://127.0.0.1:8080/index.html"));

        runtime().delete(attachment("ctr-1", cell));
        assertFalse(host.ok("iptables", "-t", "nat", "-S").contains("--dport 8080"));
    }
}
