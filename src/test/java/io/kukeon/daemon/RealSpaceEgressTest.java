package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.kukeon.model.ObjectPath;
import io.kukeon.network.EgressRulePlan;
import io.kukeon.network.HostCommand;
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

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Egress policies through kukeond with the real containerd, CNI plugins and iptables, all in the
 * test's own network namespace: a cell of one space cannot open a connection to a cell of
 * another until the sending space's policy allows it; a deny policy with one address and port
 * lets exactly that port through; a deleted space's chain is gone. Connections go only between
 * the cells this test starts (bash's /dev/tcp in the sending cell's network namespace, 2 s each).
 */
@Tag("containerd")
@Tag("cni")
class RealSpaceEgressTest {
    private static final Duration CONNECT = Duration.ofSeconds(2);

    @TempDir
    Path dataDir;
    RealDaemon host;

    @BeforeEach
    void start() throws Exception {
        host = new RealDaemon(dataDir);
        host.createStack("r", "a", "t");
        host.createStack("r", "b", "t");
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aSpaceReachesAnotherOnlyAsItsOwnPolicyAllowsAndItsChainGoesWithIt() throws Exception {
        applyOne(cell("a", "web", "mkdir -p /www && echo hi > /www/index.html && httpd -p 8081 -h /www && exec httpd -f -p 8080 -h /www"));
        applyOne(cell("b", "probe", "exec sleep 3600"));
        String web = get("Cell", "r/a/t/web").getStatus().getNetwork().getAddress();
        HostCommand probe = new HostCommand(Path.of("/proc/" + rootPid("r/b/t/probe") + "/ns/net"), Duration.ofSeconds(10));
        HostCommand daemonsNamespace = host.host.network.inside;
        await("web listening on 8080 and 8081 (seen from the daemon's namespace, which no policy governs)",
                () -> connects(daemonsNamespace, web, 8080) && connects(daemonsNamespace, web, 8081));

        assertFalse(connects(probe, web, 8080), "another space is out of reach by default");

        String subnetOfA = web.substring(0, web.lastIndexOf('.')) + ".0/24";
        assertEquals("updated", applyOne(space("b", "{default: allow, allow: [{cidr: " + subnetOfA + "}]}")).getOutcome());
        assertTrue(connects(probe, web, 8080), "b's policy allows a's subnet");

        assertEquals("updated", applyOne(space("b", "{default: deny, allow: [{cidr: " + web + "/32, ports: [8080]}]}")).getOutcome());
        assertTrue(connects(probe, web, 8080), "the allowed address and port answer");
        assertFalse(connects(probe, web, 8081), "another port of the same address does not");

        String chain = EgressRulePlan.chainOf(ObjectPath.parse("r/b"));
        assertTrue(filterRules().contains("-N " + chain + "\n"), "b has its chain");
        host.client().delete(DeleteRequest.newBuilder().setKind("Space").setPath("r/b").setCascade(true).build());
        String after = filterRules();
        assertFalse(after.contains(chain), "b's chain and its jump are gone:\n" + after);
        assertTrue(after.contains("-N " + EgressRulePlan.chainOf(ObjectPath.parse("r/a")) + "\n"), "a keeps its own");
    }

    /** Whether a TCP connection from {@code from}'s namespace to address:port is accepted within {@link #CONNECT}. */
    private static boolean connects(HostCommand from, String address, int port) throws Exception {
        return from.run(List.of("timeout", String.valueOf(CONNECT.toSeconds()), "bash", "-c",
                "exec 3<>/dev/tcp/" + address + "/" + port), Map.of(), new byte[0]).succeeded();
    }

    private String filterRules() throws Exception {
        return host.host.network.ok("iptables", "-w", "5", "-S");
    }

    private ApplyResult applyOne(String yaml) throws Exception {
        ApplyResult r = host.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build())
                .getResults(0);
        assertTrue(r.getError().isEmpty(), r.toString());
        return r;
    }

    private static String space(String name, String egress) {
        return "apiVersion: v1beta1\nkind: Space\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  network:\n    egress: "
                + egress + "\n";
    }

    private static String cell(String space, String name, String script) {
        return "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: " + space
                + "\n  stackId: t\n  containers:\n    - id: app\n      image: docker.io/library/busybox:latest\n"
                + "      command: /bin/sh\n      args: ['-c', '" + script + "']\n";
    }

    private ObjectDoc get(String kind, String path) throws Exception {
        return host.client().get(GetRequest.newBuilder().setKind(kind).setPath(path).build()).getObject();
    }

    private int rootPid(String cell) throws Exception {
        return get("Cell", cell).getStatus().getContainersList().stream().filter(c -> c.getName().equals("root"))
                .findFirst().orElseThrow().getPid();
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!check.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(what + " did not happen within 30 s");
            }
            Thread.sleep(200);
        }
    }
}
