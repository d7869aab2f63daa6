package io.kukeon.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kukeon.testing.NetworkNamespaces;
import io.kukeon.testing.NetworkNamespaces.Namespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real: the portmap plugin (Debian's containernetworking-plugins) given our entries publishes the
 * ports as meant. Two network namespaces of the test's own stand for the host and a cell, joined
 * by a veth; an httpd in the "cell" answers, curl in the "host" asks. No traffic leaves them.
 */
@Tag("cni")
class PortMappingPluginTest {
    private static final Path PORTMAP = Path.of("/usr/lib/cni/portmap");
    private static final String HOST_SIDE = "10.99.0.1";
    private static final String CELL_IP = "10.99.0.5";

    private NetworkNamespaces namespaces;
    private Namespace host;
    private Namespace cell;

    @TempDir
    Path www;

    @BeforeEach
    void twoNamespacesJoinedByAVethWithAnHttpdInTheCell() throws Exception {
        assertTrue(Files.isExecutable(PORTMAP), "the portmap plugin is required: " + PORTMAP + " (containernetworking-plugins)");
        NetworkNamespaces.needTools("iptables", "busybox", "curl");
        namespaces = new NetworkNamespaces("cellnet");
        host = namespaces.create("h").loopbackUp();
        cell = namespaces.create("c").loopbackUp();
        host.ok("ip", "link", "add", "vh", "type", "veth", "peer", "name", "eth0", "netns", cell.name);
        host.ok("ip", "addr", "add", HOST_SIDE + "/24", "dev", "vh");
        host.ok("ip", "link", "set", "vh", "up");
        cell.ok("ip", "addr", "add", CELL_IP + "/24", "dev", "eth0");
        cell.ok("ip", "link", "set", "eth0", "up");
        Files.writeString(www.resolve("index.html"), "hello from the cell\n");
        cell.startServer(80, "busybox", "httpd", "-f", "-p", "80", "-h", www.toString());
        assertEquals("hello from the cell\n", curl(cell, CELL_IP, 80).stdout());
    }

    @AfterEach
    void removeEverything() throws Exception {
        if (namespaces != null) {
            namespaces.close();
        }
    }

    private HostCommand.Result curl(Namespace where, String address, int port) throws Exception {
        return where.run("curl", "-s", "-m", "3", "http://" + address + ":" + port + "/");
    }

    private HostCommand.Result portmap(String command, List<PublishedPort> ports) throws Exception {
        ObjectNode config = CniJson.MAPPER.createObjectNode().put("cniVersion", "1.0.0").put("name", "cellnet-test").put("type", "portmap");
        config.putObject("capabilities").put("portMappings", true);
        config.putObject("runtimeConfig").set("portMappings", PortMapping.toJson(ports.stream().map(PublishedPort::toPortMapping).toList()));
        ObjectNode previous = config.putObject("prevResult").put("cniVersion", "1.0.0");
        previous.putArray("interfaces").add(CniJson.MAPPER.createObjectNode().put("name", "vh"))
                .add(CniJson.MAPPER.createObjectNode().put("name", "eth0").put("sandbox", cell.path.toString()));
        previous.putArray("ips").addObject().put("address", CELL_IP + "/24").put("interface", 1);
        return host.inside.run(List.of(PORTMAP.toString()), Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", cell.name,
                "CNI_NETNS", cell.path.toString(), "CNI_IFNAME", "eth0", "CNI_PATH", PORTMAP.getParent().toString()),
                CniJson.bytes(config));
    }

    @Test
    void allAddressesAnswerOnEveryHostAddressAndALoopbackHostIpOnlyThere() throws Exception {
        List<PublishedPort> ports = PublishedPort.parseAll("spec.containers[0].ports", List.of("8080:80", "127.0.0.1:8081:80"));

        HostCommand.Result added = portmap("ADD", ports);
        assertEquals(0, added.exitCode(), added.stderr() + added.stdout());

        assertEquals("hello from the cell\n", curl(host, HOST_SIDE, 8080).stdout(), "0.0.0.0 publishes on the host's address");
        assertEquals("hello from the cell\n", curl(host, "127.0.0.1", 8080).stdout(), "... and on its loopback");
        assertEquals("hello from the cell\n", curl(host, "127.0.0.1", 8081).stdout(), "127.0.0.1 publishes on loopback");
        assertNotEquals(0, curl(host, HOST_SIDE, 8081).exitCode(), "... and nowhere else");
        String rules = host.ok("iptables", "-t", "nat", "-S");
        assertTrue(rules.contains("-p tcp -m tcp --dport 8080 -j DNAT --to-destination " + CELL_IP + ":80"), rules);
        assertTrue(rules.contains("-d 127.0.0.1/32 -p tcp -m tcp --dport 8081 -j DNAT --to-destination " + CELL_IP + ":80"), rules);

        HostCommand.Result deleted = portmap("DEL", ports);
        assertEquals(0, deleted.exitCode(), deleted.stderr());
        assertNotEquals(0, curl(host, HOST_SIDE, 8080).exitCode(), "unpublished after DEL");
        assertTrue(!host.ok("iptables", "-t", "nat", "-S").contains("--to-destination"), "no DNAT rule is left");
    }

    @Test
    void aUdpPortIsForwardedAsUdp() throws Exception {
        HostCommand.Result added = portmap("ADD", List.of(PublishedPort.parse("spec.containers[0].ports[0]", "5353:53/udp")));
        assertEquals(0, added.exitCode(), added.stderr() + added.stdout());

        String rules = host.ok("iptables", "-t", "nat", "-S");
        assertTrue(rules.contains("-p udp -m udp --dport 5353 -j DNAT --to-destination " + CELL_IP + ":53"), rules);
        assertTrue(!rules.contains("-p tcp -m tcp --dport 5353"), "not as tcp: " + rules);
    }
}
