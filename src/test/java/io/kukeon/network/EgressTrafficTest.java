package io.kukeon.network;

import io.kukeon.model.EgressPolicy;
import io.kukeon.model.ObjectPath;
import io.kukeon.testing.NetworkNamespaces;
import io.kukeon.testing.NetworkNamespaces.Namespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real traffic between namespaces this test makes, and nowhere else: a "router" namespace with
 * one {@code k-} bridge per space (the chains live there, as in kukeond's namespace), one "cell"
 * namespace on each bridge, and an "outside" namespace routed behind the router; busybox httpd
 * answers, busybox wget asks. Where br_netfilter is loaded (bridge-nf-call-iptables=1, as on
 * this machine) traffic between two cells of one bridge passes the chains too. A dropped connection gets no answer: wget is cut by {@code timeout}.
 */
@Tag("network")
class EgressTrafficTest {
    private static final ObjectPath SPACE_A = ObjectPath.of("team", "alpha");
    private static final ObjectPath SPACE_B = ObjectPath.of("team", "beta");
    private static final String OUTSIDE = "10.231.9.2";
    private static final String CELL_A = "10.231.1.2";
    private static final String CELL_A2 = "10.231.1.3";
    private static final String CELL_B = "10.231.2.2";

    @TempDir
    Path www;

    @Test
    void denyBlocksAnAllowedCidrAndPortPassesAndAnotherSpaceIsIsolatedUntilAllowed() throws Exception {
        NetworkNamespaces.needTools("iptables", "iptables-restore", "busybox", "timeout");
        Files.writeString(www.resolve("index.html"), "answered\n");
        try (NetworkNamespaces namespaces = new NetworkNamespaces("egr")) {
            Namespace router = namespaces.create("router").loopbackUp();
            Namespace cellA = namespaces.create("cell-a").loopbackUp();
            Namespace cellA2 = namespaces.create("cell-a2").loopbackUp();
            Namespace cellB = namespaces.create("cell-b").loopbackUp();
            Namespace outside = namespaces.create("outside").loopbackUp();
            router.ok("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            bridge(router, "k-alpha", "10.231.1.1/24");
            bridge(router, "k-beta", "10.231.2.1/24");
            attach(router, "k-alpha", "va", cellA, CELL_A + "/24", "10.231.1.1");
            attach(router, "k-alpha", "va2", cellA2, CELL_A2 + "/24", "10.231.1.1");
            attach(router, "k-beta", "vb", cellB, CELL_B + "/24", "10.231.2.1");
            router.ok("ip", "link", "add", "vo", "type", "veth", "peer", "name", "eth0", "netns", outside.name);
            router.ok("ip", "addr", "add", "10.231.9.1/24", "dev", "vo");
            router.ok("ip", "link", "set", "vo", "up");
            outside.ok("ip", "addr", "add", OUTSIDE + "/24", "dev", "eth0");
            outside.ok("ip", "link", "set", "eth0", "up");
            outside.ok("ip", "route", "add", "10.231.0.0/16", "via", "10.231.9.1");
            serve(outside, 80);
            serve(outside, 8080);
            serve(cellA, 80);
            serve(cellA2, 80);
            serve(cellB, 80);

            // without our rules everything reaches everything: what is blocked below, the rules block
            assertReaches(cellA, OUTSIDE, 8080);
            assertReaches(cellB, CELL_A, 80);

            IptablesEgressFirewall firewall = new IptablesEgressFirewall(router.inside, HostResolver.system(Duration.ofSeconds(2)));
            firewall.ensure(new SpaceEgress(SPACE_A, "k-alpha", "10.231.1.0/24", new EgressPolicy(EgressPolicy.Default.DENY,
                    List.of(EgressPolicy.Target.cidr(OUTSIDE + "/32", 80)))));
            firewall.ensure(new SpaceEgress(SPACE_B, "k-beta", "10.231.2.0/24", EgressPolicy.ALLOW_ALL));

            assertReaches(cellA, OUTSIDE, 80);
            assertReaches(cellA, CELL_A2, 80);     // its own space, also where br_netfilter shows bridged traffic to iptables
            assertBlocked(cellA, OUTSIDE, 8080);   // deny: a port not allowed
            assertBlocked(cellA, CELL_B, 80);      // another space
            assertReaches(cellB, OUTSIDE, 8080);   // allow
            assertBlocked(cellB, CELL_A, 80);      // allow still stops at another space

            firewall.ensure(new SpaceEgress(SPACE_A, "k-alpha", "10.231.1.0/24", new EgressPolicy(EgressPolicy.Default.DENY,
                    List.of(EgressPolicy.Target.cidr(OUTSIDE + "/32", 80), EgressPolicy.Target.cidr("10.231.2.0/24", 80)))));

            assertReaches(cellA, CELL_B, 80);      // alpha now allows beta's subnet
            assertBlocked(cellB, CELL_A, 80);      // beta does not allow alpha's

            // FORWARD's policy DROP (as Docker sets it): the space chains admit what leaves the cells,
            // KUKEON-FORWARD the replies and a published port (a DNAT as the portmap plugin writes it)
            router.ok("iptables", "-w", "5", "-P", "FORWARD", "DROP");
            router.ok("iptables", "-w", "5", "-t", "nat", "-A", "PREROUTING", "-i", "vo", "-p", "tcp", "--dport", "8081",
                    "-j", "DNAT", "--to-destination", CELL_B + ":80");
            assertReaches(cellA, OUTSIDE, 80);
            assertReaches(cellB, OUTSIDE, 8080);
            assertReaches(cellA, CELL_B, 80);
            assertReaches(outside, "10.231.9.1", 8081);
            assertBlocked(outside, CELL_B, 80);    // only what was published comes in

            firewall.remove(SPACE_A);

            assertBlocked(cellA, OUTSIDE, 80);     // a k- bridge no space claims reaches nothing
            assertReaches(cellB, OUTSIDE, 8080);
        }
    }

    private static void bridge(Namespace router, String name, String gateway) throws Exception {
        router.ok("ip", "link", "add", name, "type", "bridge");
        router.ok("ip", "addr", "add", gateway, "dev", name);
        router.ok("ip", "link", "set", name, "up");
    }

    /** A veth from the bridge into the cell's namespace (eth0 there), as the CNI bridge plugin makes it. */
    private static void attach(Namespace router, String bridge, String hostEnd, Namespace cell, String address, String gateway)
            throws Exception {
        router.ok("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", cell.name);
        router.ok("ip", "link", "set", hostEnd, "master", bridge);
        router.ok("ip", "link", "set", hostEnd, "up");
        cell.ok("ip", "addr", "add", address, "dev", "eth0");
        cell.ok("ip", "link", "set", "eth0", "up");
        cell.ok("ip", "route", "add", "default", "via", gateway);
    }

    private void serve(Namespace where, int port) throws Exception {
        where.startServer(port, "busybox", "httpd", "-f", "-p", String.valueOf(port), "-h", www.toString());
    }

    private static void assertReaches(Namespace from, String address, int port) throws Exception {
        HostCommand.Result r = wget(from, address, port);
        assertEquals(0, r.exitCode(), from.name + " -> " + address + ":" + port + ": " + r.stderr());
        assertEquals("answered\n", r.stdout());
    }

    /** No answer at all (dropped, so wget waits until timeout cuts it), not a refusal. */
    private static void assertBlocked(Namespace from, String address, int port) throws Exception {
        HostCommand.Result r = wget(from, address, port);
        assertEquals(124, r.exitCode(), from.name + " -> " + address + ":" + port + " should get no answer: " + r.stderr());
        assertTrue(r.stdout().isEmpty());
    }

    /** busybox wget -T crashes (1.35 static), so timeout bounds it: exit 124 when nothing answered in 2 s. */
    private static HostCommand.Result wget(Namespace from, String address, int port) throws Exception {
        return from.run("timeout", "2", "busybox", "wget", "-q", "-O", "-", "http://" + address + ":" + port + "/");
    }
}
