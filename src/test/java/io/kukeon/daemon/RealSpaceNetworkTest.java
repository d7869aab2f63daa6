package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.kukeon.network.HostCommand;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.NetworkNamespaces;
import io.kukeon.testing.RealDaemon;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.Event;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Space networks through kukeond with the real containerd and the real CNI plugins, the daemon's
 * bridges in a network namespace of the test's own: two cells of a space talk over their
 * addresses, and what a cell and a space had (lease, bridge, config) goes with them; that
 * namespace is "the host" for a {@code hostNetwork} cell and where a published port answers.
 */
@Tag("containerd")
@Tag("cni")
class RealSpaceNetworkTest {
    @TempDir
    Path dataDir;
    RealDaemon host;

    @BeforeEach
    void start() throws Exception {
        host = new RealDaemon(dataDir);
        host.createStack("r", "s", "t");
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    private List<ApplyResult> apply(String yaml) throws Exception {
        return host.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build())
                .getResultsList();
    }

    private ApplyResult applyOne(String yaml) throws Exception {
        return apply(yaml).get(0);
    }

    private static String cell(String name, String script) {
        return "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: s\n  stackId: t\n"
                + "  containers:\n    - id: app\n      image: docker.io/library/busybox:latest\n      command: /bin/sh\n"
                + "      args: ['-c', '" + script + "']\n";
    }

    private ObjectDoc get(String kind, String path) throws Exception {
        return host.client().get(GetRequest.newBuilder().setKind(kind).setPath(path).build()).getObject();
    }
    /** The pid of one of the cell's containers, as its status shows it. */
    static int pid(ObjectDoc cell, String container) {
        return cell.getStatus().getContainersList().stream().filter(c -> c.getName().equals(container)).findFirst()
                .orElseThrow().getPid();
    }


    /** {@code value} once it is non-null (within 30 s). */
    static <T> T await(String what, Callable<T> value) throws Exception {
        return Eventually.value(what, Duration.ofSeconds(30), value);
    }

    @Test
    void twoCellsOfASpaceReachEachOtherAndWhatTheyHadGoesWithThem() throws Exception {
        assertEquals("created", apply(cell("web",
                "mkdir -p /www && echo hello-over-the-bridge > /www/index.html && exec httpd -f -p 8080 -h /www")).get(0)
                .getOutcome());
        ObjectDoc web = get("Cell", "r/s/t/web");
        String webIp = web.getStatus().getNetwork().getAddress();
        assertTrue(webIp.startsWith("10.88."), webIp);
        String bridge = SpaceNetwork.bridgeName("r-s");
        assertEquals(bridge, web.getStatus().getNetwork().getBridge());
        // the kernel agrees: the root's namespace has eth0 with that address
        HostCommand.Result addr = new HostCommand(Path.of("/proc/" + pid(web, "root") + "/ns/net"), Duration.ofSeconds(10))
                .run(List.of("ip", "-4", "-o", "addr", "show", "eth0"), Map.of(), new byte[0]);
        assertTrue(addr.stdout().contains(webIp + "/24"), addr.stdout());

        // by name: the client's /etc/hosts lists web, and web's (rewritten in place, seen through its bind mount) the client
        apply(cell("client", "until wget -qO /tmp/part http://web:8080/; do sleep 0.2; done; mv /tmp/part /tmp/got; exec sleep 3600"));
        ObjectDoc client = get("Cell", "r/s/t/client");
        String clientIp = client.getStatus().getNetwork().getAddress();
        assertNotEquals(webIp, clientIp);
        Path clientRoot = Path.of("/proc/" + pid(client, "app") + "/root");
        assertEquals("hello-over-the-bridge\n", await("the page fetched over the bridge, by name",
                () -> Files.readString(clientRoot.resolve("tmp/got"))));
        assertEquals("client\n", Files.readString(clientRoot.resolve("etc/hostname")));
        String websHosts = Files.readString(Path.of("/proc/" + pid(web, "app") + "/root/etc/hosts"));
        assertTrue(websHosts.contains(clientIp + "\tclient\n"), websHosts);

        Path leases = dataDir.resolve("network/ipam/r-s");
        assertTrue(Files.exists(leases.resolve(clientIp)), "host-local holds the client's lease");
        host.client().delete(DeleteRequest.newBuilder().setKind("Cell").setPath("r/s/t/client").build());
        assertFalse(Files.exists(leases.resolve(clientIp)), "the deleted cell's lease is released");

        host.client().delete(DeleteRequest.newBuilder().setKind("Space").setPath("r/s").setCascade(true).build());
        assertFalse(host.host.network.run("ip", "link", "show", bridge).succeeded(), "the space's bridge is gone");
        assertFalse(Files.exists(leases), "its leases are gone");
        assertFalse(Files.exists(dataDir.resolve("network/conf/r-s.conflist")), "its config is gone");
    }

    /**
     * kukeond restarted under running cells: it adopts them as they are, so a cell keeps its
     * address and its one lease (no second ADD), and a cell started after the restart reaches it
     * by name.
     */
    @Test
    void aRestartedDaemonKeepsTheCellsAddressesAndNamesWithoutASecondLease() throws Exception {
        apply(cell("web", "mkdir -p /www && echo still-here > /www/index.html && exec httpd -f -p 8080 -h /www"));
        ObjectDoc before = get("Cell", "r/s/t/web");
        String webIp = before.getStatus().getNetwork().getAddress();
        Path leases = dataDir.resolve("network/ipam/r-s");

        host.stop();
        host.start();

        ObjectDoc after = await("web adopted as Ready", () -> {
            ObjectDoc d = get("Cell", "r/s/t/web");
            return d.getStatus().getState().equals("Ready") ? d : null;
        });
        assertEquals(webIp, after.getStatus().getNetwork().getAddress());
        assertEquals(pid(before, "root"), pid(after, "root"), "the same root: adopted, not restarted");
        try (var files = Files.list(leases)) {
            assertEquals(List.of(webIp), files.map(f -> f.getFileName().toString())
                    .filter(io.kukeon.network.Ipv4::isAddress).toList(), "one lease");
        }
        apply(cell("late", "until wget -qO /tmp/part http://web:8080/; do sleep 0.2; done; mv /tmp/part /tmp/got; exec sleep 3600"));
        Path lateRoot = Path.of("/proc/" + pid(get("Cell", "r/s/t/late"), "app") + "/root");
        assertEquals("still-here\n", await("web reached by name after the restart",
                () -> Files.readString(lateRoot.resolve("tmp/got"))));
    }

    /**
     * A root killed and brought back by its own restart policy has a new network namespace: the
     * cell takes its address there again (one lease: the old one is released), its workloads move
     * in, and another cell reaches it by name as before.
     */
    @Test
    void aRootRestartedByItsPolicyGetsItsNetworkAgainWithOneLease() throws Exception {
        ApplyResult r = applyOne("""
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: web}
                spec:
                  realmId: r
                  spaceId: s
                  stackId: t
                  containers:
                    - id: main
                      root: true
                      image: docker.io/library/busybox:latest
                      restartPolicy: always
                      command: /bin/sh
                      args: ['-c', 'exec sleep 3600']
                    - id: app
                      image: docker.io/library/busybox:latest
                      command: /bin/sh
                      args: ['-c', 'mkdir -p /www && echo after-the-root > /www/index.html && exec httpd -f -p 8080 -h /www']
                """);
        assertEquals("created", r.getOutcome(), r.toString());
        ObjectDoc before = get("Cell", "r/s/t/web");
        int oldRoot = pid(before, "main");

        assertTrue(ProcessHandle.of(oldRoot).orElseThrow().destroyForcibly(), "SIGKILL to our cell's own root");

        ObjectDoc after = await("the cell Ready around a new root", () -> {
            ObjectDoc d = get("Cell", "r/s/t/web");
            // a start answers once its tasks run, and a container's report may follow: its pid is 0 until then
            return d.getStatus().getState().equals("Ready") && pid(d, "main") != oldRoot && d.getStatus().hasNetwork()
                    && pid(d, "app") != pid(before, "app") && pid(d, "main") != 0 && pid(d, "app") != 0 ? d : null;
        });
        assertAddressedAround(after, "main", "app");
        apply(cell("client", "until wget -qO /tmp/part http://web:8080/; do sleep 0.2; done; mv /tmp/part /tmp/got; exec sleep 3600"));
        Path clientRoot = Path.of("/proc/" + pid(get("Cell", "r/s/t/client"), "app") + "/root");
        assertEquals("after-the-root\n", await("web reached by name", () -> Files.readString(clientRoot.resolve("tmp/got"))));
    }

    /**
     * The synthesized pause root killed (restart policy never): the cell is recreated around a new
     * root as a pod around a new sandbox: its workload runs again inside the new root's namespaces,
     * its address is taken there again (one lease), and its history says why.
     */
    @Test
    void aKilledPauseRootIsRecreatedWithItsWorkloadInsideAndItsAddress() throws Exception {
        ApplyResult r = applyOne(cell("pod", "exec sleep 3600") + "      restartPolicy: always\n");
        assertEquals("created", r.getOutcome(), r.toString());
        ObjectDoc before = get("Cell", "r/s/t/pod");
        int oldRoot = pid(before, "root");
        int oldApp = pid(before, "app");

        assertTrue(ProcessHandle.of(oldRoot).orElseThrow().destroyForcibly(), "SIGKILL to our cell's own pause root");

        ObjectDoc after = await("the cell Ready around a new root", () -> {
            ObjectDoc d = get("Cell", "r/s/t/pod");
            return d.getStatus().getState().equals("Ready") && pid(d, "root") != oldRoot && pid(d, "app") != oldApp
                    && pid(d, "root") != 0 && pid(d, "app") != 0 && d.getStatus().hasNetwork() ? d : null;
        });
        assertAddressedAround(after, "root", "app");
        String why = await("the root's exit in the cell's history", () -> host.client()
                .history(HistoryRequest.newBuilder().setKind("Cell").setPath("r/s/t/pod").build()).getEventsList().stream()
                .filter(e -> e.getType().equals("CellRootExited")).map(Event::getSummary).findFirst().orElse(null));
        assertTrue(why.contains("(pid " + oldRoot + ") exited with code 137"), why);
    }

    /** The root's eth0 has the address the cell shows, the workload is in the root's namespace, and the space has one lease. */
    private void assertAddressedAround(ObjectDoc cell, String root, String workload) throws Exception {
        String address = cell.getStatus().getNetwork().getAddress();
        Path rootNamespace = Path.of("/proc/" + pid(cell, root) + "/ns/net");
        HostCommand.Result addr = new HostCommand(rootNamespace, Duration.ofSeconds(10))
                .run(List.of("ip", "-4", "-o", "addr", "show", "eth0"), Map.of(), new byte[0]);
        assertTrue(addr.stdout().contains(address + "/24"), "the new root's eth0 has the address: " + addr.stdout());
        assertEquals(Files.readSymbolicLink(rootNamespace), Files.readSymbolicLink(Path.of("/proc/" + pid(cell, workload) + "/ns/net")),
                "the workload is in the new namespace");
        try (var files = Files.list(dataDir.resolve("network/ipam/r-s"))) {
            assertEquals(List.of(address), files.map(f -> f.getFileName().toString())
                    .filter(io.kukeon.network.Ipv4::isAddress).toList(), "one lease");
        }
    }

    @Test
    void aHostNetworkCellSeesTheDaemonsNamespaceAndHasNoAddressOfItsOwn() throws Exception {
        // a link only the daemon's namespace has (a bridge: the dummy module may be missing, the bridge one is not)
        host.host.network.ok("ip", "link", "add", "kk-probe0", "type", "bridge");
        ApplyResult r = applyOne("""
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: agent}
                spec:
                  realmId: r
                  spaceId: s
                  stackId: t
                  containers:
                    - id: app
                      image: docker.io/library/busybox:latest
                      hostNetwork: true
                      command: /bin/sh
                      args: ['-c', 'ip -o link > /tmp/links; exec sleep 3600']
                """);
        assertEquals("created", r.getOutcome(), r.toString());
        ObjectDoc agent = get("Cell", "r/s/t/agent");
        assertFalse(agent.getStatus().hasNetwork(), "no address on the space's network: " + agent.getStatus().getNetwork());

        String rootNamespace = Files.readSymbolicLink(Path.of("/proc/" + pid(agent, "root") + "/ns/net")).toString();
        String hostNamespace = host.host.network.ok("readlink", "/proc/self/ns/net").trim();
        assertEquals(hostNamespace, rootNamespace, "the root is in the daemon's network namespace");
        Path links = Path.of("/proc/" + pid(agent, "app") + "/root/tmp/links");
        String seen = await("the workload's link listing", () -> {
            String text = Files.readString(links);
            return text.isEmpty() ? null : text;
        });
        assertTrue(seen.contains("kk-probe0"), "the workload sees the daemon's namespace: " + seen);
        assertFalse(seen.contains("eth0"), "and has no eth0 of its own: " + seen);
    }

    @Test
    void aPublishedPortAnswersInTheDaemonsNamespaceUntilTheCellIsDeleted() throws Exception {
        NetworkNamespaces.needTools("curl");
        ApplyResult r = applyOne("""
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: web}
                spec:
                  realmId: r
                  spaceId: s
                  stackId: t
                  containers:
                    - id: httpd
                      image: docker.io/library/busybox:latest
                      ports: ['18080:8080']
                      command: /bin/sh
                      args: ['-c', 'mkdir -p /www && echo published > /www/index.html && exec httpd -f -p 8080 -h /www']
                """);
        assertEquals("created", r.getOutcome(), r.toString());
        String gateway = get("Cell", "r/s/t/web").getStatus().getNetwork().getGateway();

        for (String address : new String[] {"127.0.0.1", gateway}) {
            String body = await("the page on " + address + ":18080", () -> {
                HostCommand.Result got = curlPublished(address);
                return got.succeeded() ? got.stdout() : null;
            });
            assertEquals("published\n", body, address);
        }
        String rules = host.host.network.run("iptables", "-t", "nat", "-S").stdout();
        assertTrue(rules.contains("--dport 18080 -j DNAT --to-destination " + get("Cell", "r/s/t/web").getStatus().getNetwork()
                .getAddress() + ":8080"), rules);

        host.client().delete(DeleteRequest.newBuilder().setKind("Cell").setPath("r/s/t/web").build());
        assertNotEquals(0, curlPublished("127.0.0.1").exitCode(), "unpublished with the cell");
        assertFalse(host.host.network.run("iptables", "-t", "nat", "-S").stdout().contains("--dport 18080"),
                "no DNAT rule of it is left");
    }

    private HostCommand.Result curlPublished(String address) throws Exception {
        return host.host.network.run("curl", "-s", "-m", "3", "http://" + address + ":18080/");
    }
}
