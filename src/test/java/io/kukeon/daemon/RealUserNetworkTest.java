package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.kukeon.network.HostCommand;
import io.kukeon.network.Ipv4;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.testing.RealDaemon;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.DeleteRequest;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.ObjectDoc;
import io.grpc.StatusRuntimeException;
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

import static io.kukeon.daemon.RealSpaceNetworkTest.await;
import static io.kukeon.daemon.RealSpaceNetworkTest.pid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A space on the user's own conflist ({@code spec.cniConfigPath}) through kukeond with the real
 * containerd and the real CNI plugins, the daemon's bridges in a network namespace of the test's
 * own: the cells get addresses of the file's subnet on the file's bridge and reach each other,
 * a second space overlapping it is refused naming it, and the space's delete leaves the file.
 */
@Tag("containerd")
@Tag("cni")
class RealUserNetworkTest {
    private static final String BRIDGE = "usr-br0";
    private static final Ipv4Subnet SUBNET = Ipv4Subnet.parse("10.89.7.0/24", "test");

    @TempDir
    Path dataDir;
    @TempDir
    Path userDir;
    RealDaemon host;

    @BeforeEach
    void start() throws Exception {
        host = new RealDaemon(dataDir);
        host.createStack("r", "s", "t");   // realm r with busybox
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    /** The user's conflist: a bridge of the test's name, host-local leasing from {@code subnet} into the test's dir. */
    private Path conflist(String name, String bridge, String subnet) throws Exception {
        Path file = userDir.resolve(name + ".conflist");
        Files.writeString(file, """
                {"cniVersion": "1.0.0", "name": "%s", "plugins": [
                  {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": false,
                   "ipam": {"type": "host-local", "ranges": [[{"subnet": "%s"}]], "routes": [{"dst": "0.0.0.0/0"}],
                            "dataDir": "%s"}},
                  {"type": "loopback"}]}
                """.formatted(name, bridge, subnet, userDir.resolve("ipam")));
        return file;
    }

    private List<ApplyResult> apply(String yaml) throws Exception {
        return host.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build())
                .getResultsList();
    }

    private static String space(String name, Path conflist) {
        return "apiVersion: v1beta1\nkind: Space\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  cniConfigPath: " + conflist + "\n";
    }

    private static String cell(String name, String script) {
        return "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: u\n  stackId: t\n"
                + "  containers:\n    - id: app\n      image: docker.io/library/busybox:latest\n      command: /bin/sh\n"
                + "      args: ['-c', '" + script + "']\n";
    }

    private ObjectDoc get(String kind, String path) throws Exception {
        return host.client().get(GetRequest.newBuilder().setKind(kind).setPath(path).build()).getObject();
    }

    @Test
    void cellsOfASpaceOnTheUsersConflistTalkOnItsSubnetAndTheFileOutlivesTheSpace() throws Exception {
        Path file = conflist("shop", BRIDGE, SUBNET.toString());
        String fileBefore = Files.readString(file);
        ApplyResult made = apply(space("u", file) + "---\napiVersion: v1beta1\nkind: Stack\nmetadata: {name: t}\n"
                + "spec: {realmId: r, spaceId: u}\n").get(0);
        assertEquals("created", made.getOutcome(), made.toString());
        assertEquals(file.toString(), get("Space", "r/u").getSpace().getCniConfigPath(), "get shows the field");

        apply(cell("web", "mkdir -p /www && echo hello-on-the-users-bridge > /www/index.html && exec httpd -f -p 8080 -h /www"));
        ObjectDoc web = get("Cell", "r/u/t/web");
        String webIp = web.getStatus().getNetwork().getAddress();
        assertTrue(SUBNET.contains(Ipv4.parse(webIp)), "an address of the file's subnet: " + webIp);
        assertEquals(BRIDGE, web.getStatus().getNetwork().getBridge());
        HostCommand.Result addr = new HostCommand(Path.of("/proc/" + pid(web, "root") + "/ns/net"), Duration.ofSeconds(10))
                .run(List.of("ip", "-4", "-o", "addr", "show", "eth0"), Map.of(), new byte[0]);
        assertTrue(addr.stdout().contains(webIp + "/24"), addr.stdout());

        apply(cell("client", "until wget -qO /tmp/part http://web:8080/; do sleep 0.2; done; mv /tmp/part /tmp/got; exec sleep 3600"));
        ObjectDoc client = get("Cell", "r/u/t/client");
        String clientIp = client.getStatus().getNetwork().getAddress();
        assertNotEquals(webIp, clientIp);
        assertTrue(SUBNET.contains(Ipv4.parse(clientIp)), clientIp);
        Path clientRoot = Path.of("/proc/" + pid(client, "app") + "/root");
        assertEquals("hello-on-the-users-bridge\n", await("the page fetched over the user's bridge, by name",
                () -> Files.readString(clientRoot.resolve("tmp/got"))));
        Path leases = userDir.resolve("ipam/shop");
        assertTrue(Files.exists(leases.resolve(clientIp)), "host-local leases into the file's dataDir");
        assertFalse(Files.exists(dataDir.resolve("network/conf/r-u.conflist")), "kukeond writes no conflist of its own");

        // a second space whose network overlaps: refused at apply, naming the field and the other space; nothing made
        Path overlapping = conflist("other", "usr-br1", "10.89.0.0/16");
        ApplyResult refused = apply(space("v", overlapping)).get(0);
        assertEquals("failed", refused.getOutcome(), refused.toString());
        assertEquals("NetworkInUse", refused.getErrorKind(), refused.toString());
        assertTrue(refused.getError().contains("spec.cniConfigPath: network \"other\" (10.89.0.0/16)"), refused.getError());
        assertTrue(refused.getError().contains("overlaps space r/u's network \"shop\" (10.89.7.0/24)"), refused.getError());
        assertThrows(StatusRuntimeException.class, () -> get("Space", "r/v"), "no space was made");
        assertFalse(host.host.network.run("ip", "link", "show", "usr-br1").succeeded(), "no bridge was made for it");

        // the file changes (or vanishes) under running cells: their delete still releases what ADD leased
        Files.delete(file);
        host.client().delete(DeleteRequest.newBuilder().setKind("Cell").setPath("r/u/t/client").build());
        assertFalse(Files.exists(leases.resolve(clientIp)), "the deleted cell's lease is released without the file");
        Files.writeString(file, fileBefore);

        host.client().delete(DeleteRequest.newBuilder().setKind("Space").setPath("r/u").setCascade(true).build());
        assertEquals(fileBefore, Files.readString(file), "the user's file is left as it was");
        assertFalse(Files.exists(leases.resolve(webIp)), "the space's cells' leases are released");
        assertFalse(host.host.network.run("ip", "link", "show", BRIDGE).succeeded(), "the bridge kukeond made is gone");
        assertFalse(Files.exists(dataDir.resolve("network/conf/r-u.user-network.json")), "kukeond's record of it is gone");
    }

    /** A bridge that was there before the space (the user's) is the user's: the space's delete leaves it. */
    @Test
    void aBridgeThatWasThereBeforeTheSpaceIsLeftByItsDelete() throws Exception {
        host.host.network.ok("ip", "link", "add", "usr-br2", "type", "bridge");
        Path file = conflist("kept", "usr-br2", "10.89.8.0/24");
        ApplyResult made = apply(space("u", file)).get(0);
        assertEquals("created", made.getOutcome(), made.toString());
        host.client().delete(DeleteRequest.newBuilder().setKind("Space").setPath("r/u").setCascade(true).build());
        assertTrue(host.host.network.run("ip", "link", "show", "usr-br2").succeeded(), "the user's bridge is left");
        assertTrue(Files.exists(file));
    }
}
