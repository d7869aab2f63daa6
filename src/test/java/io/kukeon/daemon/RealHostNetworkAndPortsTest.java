package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.kukeon.network.HostCommand;
import io.kukeon.testing.NetworkNamespaces;
import io.kukeon.testing.RealDaemon;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hostNetwork} and published ports through kukeond with the real containerd and CNI
 * plugins. "The host" is the test's network namespace, given to kukeond as its
 * {@code network-namespace}: a host-network cell sees that namespace's links, a published port
 * answers there. No traffic leaves the namespaces the test made.
 */
@Tag("containerd")
@Tag("cni")
class RealHostNetworkAndPortsTest {
    @TempDir
    Path dataDir;
    RealDaemon host;

    @BeforeEach
    void start() throws Exception {
        NetworkNamespaces.needTools("curl");
        host = new RealDaemon(dataDir);
        apply("""
                apiVersion: v1beta1
                kind: Realm
                metadata: {name: r}
                ---
                apiVersion: v1beta1
                kind: Space
                metadata: {name: s}
                spec: {realmId: r}
                ---
                apiVersion: v1beta1
                kind: Stack
                metadata: {name: t}
                spec: {realmId: r, spaceId: s}
                """);
        host.loadBusybox("r");
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    private ApplyResult apply(String yaml) throws Exception {
        return host.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build())
                .getResults(0);
    }

    private ObjectDoc get(String path) throws Exception {
        return host.client().get(GetRequest.newBuilder().setKind("Cell").setPath(path).build()).getObject();
    }

    private static int pid(ObjectDoc cell, String container) {
        return cell.getStatus().getContainersList().stream().filter(c -> c.getName().equals(container)).findFirst()
                .orElseThrow().getPid();
    }

    private static <T> T await(String what, Callable<T> value) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                T v = value.call();
                if (v != null) {
                    return v;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(what + " did not happen within 30 s", last);
    }

    @Test
    void aHostNetworkCellSeesTheDaemonsNamespaceAndHasNoAddressOfItsOwn() throws Exception {
        // a link only the daemon's namespace has (a bridge: the dummy module may be missing, the bridge one is not)
        host.host.network.ok("ip", "link", "add", "kk-probe0", "type", "bridge");
        ApplyResult r = apply("""
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
        ObjectDoc agent = get("r/s/t/agent");
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
        ApplyResult r = apply("""
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
        String gateway = get("r/s/t/web").getStatus().getNetwork().getGateway();

        for (String address : new String[] {"127.0.0.1", gateway}) {
            String body = await("the page on " + address + ":18080", () -> {
                HostCommand.Result got = curl(address);
                return got.succeeded() ? got.stdout() : null;
            });
            assertEquals("published\n", body, address);
        }
        String rules = host.host.network.run("iptables", "-t", "nat", "-S").stdout();
        assertTrue(rules.contains("--dport 18080 -j DNAT --to-destination " + get("r/s/t/web").getStatus().getNetwork()
                .getAddress() + ":8080"), rules);

        host.client().delete(DeleteRequest.newBuilder().setKind("Cell").setPath("r/s/t/web").build());
        assertNotEquals(0, curl("127.0.0.1").exitCode(), "unpublished with the cell");
        assertFalse(host.host.network.run("iptables", "-t", "nat", "-S").stdout().contains("--dport 18080"),
                "no DNAT rule of it is left");
    }

    private HostCommand.Result curl(String address) throws Exception {
        return host.host.network.run("curl", "-s", "-m", "3", "http://" + address + ":18080/");
    }
}
