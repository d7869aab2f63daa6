package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.kukeon.network.HostCommand;
import io.kukeon.network.SpaceNetwork;
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
 * addresses, and what a cell and a space had (lease, bridge, config) goes with them.
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

    private List<ApplyResult> apply(String yaml) throws Exception {
        return host.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build())
                .getResultsList();
    }

    private static String cell(String name, String script) {
        return "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: s\n  stackId: t\n"
                + "  containers:\n    - id: app\n      image: docker.io/library/busybox:latest\n      command: /bin/sh\n"
                + "      args: ['-c', '" + script + "']\n";
    }

    private ObjectDoc get(String kind, String path) throws Exception {
        return host.client().get(GetRequest.newBuilder().setKind(kind).setPath(path).build()).getObject();
    }

    private int pid(ObjectDoc cell, String container) {
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
        apply(cell("client", "until wget -qO /tmp/got http://web:8080/; do sleep 0.2; done; exec sleep 3600"));
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
}
