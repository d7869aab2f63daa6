package io.kukeon.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real: the portmap plugin (Debian's containernetworking-plugins) given our entries publishes the
 * ports as meant. Two network namespaces of the test's own stand for the host and a cell, joined
 * by a veth; an httpd in the "cell" answers, curl in the "host" asks. No traffic leaves them.
 */
class PortMappingPluginTest {
    private static final Path PORTMAP = Path.of("/usr/lib/cni/portmap");
    private static final String HOST_SIDE = "10.99.0.1";
    private static final String CELL_IP = "10.99.0.5";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HostCommand here = new HostCommand(null, Duration.ofSeconds(10));
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private final String hostNs = "kukeon-cellnet-h" + id;
    private final String cellNs = "kukeon-cellnet-c" + id;
    private HostCommand inHost;
    private HostCommand inCell;
    private Process httpd;

    @TempDir
    Path www;

    private static String ok(HostCommand where, String... argv) throws Exception {
        HostCommand.Result r = where.run(List.of(argv), Map.of(), new byte[0]);
        assertEquals(0, r.exitCode(), String.join(" ", argv) + ": " + r.stderr());
        return r.stdout();
    }

    @BeforeEach
    void twoNamespacesJoinedByAVethWithAnHttpdInTheCell() throws Exception {
        assertTrue(Files.isExecutable(PORTMAP), "the portmap plugin is required: " + PORTMAP + " (containernetworking-plugins)");
        ok(here, "ip", "netns", "add", hostNs);
        ok(here, "ip", "netns", "add", cellNs);
        inHost = new HostCommand(Path.of("/run/netns", hostNs), Duration.ofSeconds(10));
        inCell = new HostCommand(Path.of("/run/netns", cellNs), Duration.ofSeconds(10));
        ok(inHost, "ip", "link", "set", "lo", "up");
        ok(inCell, "ip", "link", "set", "lo", "up");
        ok(inHost, "ip", "link", "add", "vh", "type", "veth", "peer", "name", "eth0", "netns", cellNs);
        ok(inHost, "ip", "addr", "add", HOST_SIDE + "/24", "dev", "vh");
        ok(inHost, "ip", "link", "set", "vh", "up");
        ok(inCell, "ip", "addr", "add", CELL_IP + "/24", "dev", "eth0");
        ok(inCell, "ip", "link", "set", "eth0", "up");
        Files.writeString(www.resolve("index.html"), "hello from the cell\n");
        httpd = new ProcessBuilder("nsenter", "--net=/run/netns/" + cellNs, "busybox", "httpd", "-f", "-p", "80",
                "-h", www.toString()).redirectErrorStream(true).start();
        for (int i = 0; i < 50 && curl(inCell, CELL_IP, 80).exitCode() != 0; i++) {
            Thread.sleep(100);
        }
        assertEquals("hello from the cell\n", curl(inCell, CELL_IP, 80).stdout());
    }

    @AfterEach
    void removeEverything() throws Exception {
        if (httpd != null) {
            httpd.destroyForcibly();
            httpd.waitFor(10, TimeUnit.SECONDS);
        }
        here.run(List.of("ip", "netns", "del", hostNs), Map.of(), new byte[0]);
        here.run(List.of("ip", "netns", "del", cellNs), Map.of(), new byte[0]);
    }

    private HostCommand.Result curl(HostCommand where, String address, int port) throws Exception {
        return where.run(List.of("curl", "-s", "-m", "3", "http://" + address + ":" + port + "/"), Map.of(), new byte[0]);
    }

    private HostCommand.Result portmap(String command, List<PublishedPort> ports) throws Exception {
        ObjectNode config = JSON.createObjectNode().put("cniVersion", "1.0.0").put("name", "cellnet-test").put("type", "portmap");
        config.putObject("capabilities").put("portMappings", true);
        config.putObject("runtimeConfig").set("portMappings", PortMapping.toJson(ports.stream().map(PublishedPort::toPortMapping).toList()));
        ObjectNode previous = config.putObject("prevResult").put("cniVersion", "1.0.0");
        previous.putArray("interfaces").add(JSON.createObjectNode().put("name", "vh"))
                .add(JSON.createObjectNode().put("name", "eth0").put("sandbox", "/run/netns/" + cellNs));
        previous.putArray("ips").addObject().put("address", CELL_IP + "/24").put("interface", 1);
        return inHost.run(List.of(PORTMAP.toString()), Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", "cellnet-" + id,
                "CNI_NETNS", "/run/netns/" + cellNs, "CNI_IFNAME", "eth0", "CNI_PATH", PORTMAP.getParent().toString()),
                JSON.writeValueAsBytes(config));
    }

    @Test
    void allAddressesAnswerOnEveryHostAddressAndALoopbackHostIpOnlyThere() throws Exception {
        List<PublishedPort> ports = PublishedPort.parseAll("spec.containers[0].ports", List.of("8080:80", "127.0.0.1:8081:80"));

        HostCommand.Result added = portmap("ADD", ports);
        assertEquals(0, added.exitCode(), added.stderr() + added.stdout());

        assertEquals("hello from the cell\n", curl(inHost, HOST_SIDE, 8080).stdout(), "0.0.0.0 publishes on the host's address");
        assertEquals("hello from the cell\n", curl(inHost, "127.0.0.1", 8080).stdout(), "... and on its loopback");
        assertEquals("hello from the cell\n", curl(inHost, "127.0.0.1", 8081).stdout(), "127.0.0.1 publishes on loopback");
        assertNotEquals(0, curl(inHost, HOST_SIDE, 8081).exitCode(), "... and nowhere else");
        String rules = ok(inHost, "iptables", "-t", "nat", "-S");
        assertTrue(rules.contains("-p tcp -m tcp --dport 8080 -j DNAT --to-destination " + CELL_IP + ":80"), rules);
        assertTrue(rules.contains("-d 127.0.0.1/32 -p tcp -m tcp --dport 8081 -j DNAT --to-destination " + CELL_IP + ":80"), rules);

        HostCommand.Result deleted = portmap("DEL", ports);
        assertEquals(0, deleted.exitCode(), deleted.stderr());
        assertNotEquals(0, curl(inHost, HOST_SIDE, 8080).exitCode(), "unpublished after DEL");
        assertTrue(!ok(inHost, "iptables", "-t", "nat", "-S").contains("--to-destination"), "no DNAT rule is left");
    }

    @Test
    void aUdpPortIsForwardedAsUdp() throws Exception {
        HostCommand.Result added = portmap("ADD", List.of(PublishedPort.parse("spec.containers[0].ports[0]", "5353:53/udp")));
        assertEquals(0, added.exitCode(), added.stderr() + added.stdout());

        String rules = ok(inHost, "iptables", "-t", "nat", "-S");
        assertTrue(rules.contains("-p udp -m udp --dport 5353 -j DNAT --to-destination " + CELL_IP + ":53"), rules);
        assertTrue(!rules.contains("-p tcp -m tcp --dport 5353"), "not as tcp: " + rules);
    }
}
