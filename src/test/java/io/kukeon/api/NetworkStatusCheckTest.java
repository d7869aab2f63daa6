package io.kukeon.api;

import io.kukeon.model.ObjectPath;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.SpaceNetworkSource;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.testing.FakeSpaceNetworks;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.CreateRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.StatusRequest;
import io.kukeon.wire.v1.StatusResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code network} row of {@code kuke status} with the fake network port: the plugins kukeond
 * needs on its plugin path, the bridges of the spaces it knows. The real bridge listing is
 * {@code CniSpaceNetworksRealTest}'s.
 */
class NetworkStatusCheckTest {
    @TempDir
    Path dataDir;
    TestDaemon daemon;
    KukeonGrpc.KukeonBlockingStub api;

    @BeforeEach
    void start() throws Exception {
        daemon = TestDaemon.start(dataDir);
        api = daemon.client();
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    private StatusResponse.Check network() {
        return api.status(StatusRequest.getDefaultInstance()).getChecksList().stream()
                .filter(c -> c.getName().equals("network")).findFirst().orElseThrow(() -> new AssertionError("no network check"));
    }

    /** Creates the space and waits until it is Ready; its network made as the space's provisioning makes it. */
    private void readySpace(String realm, String space, int third) throws InterruptedException {
        if (daemon.daemon().index().get(ObjectPath.of(realm)).isEmpty()) {
            api.create(CreateRequest.newBuilder().setObject(Docs.realm(realm)).build());
        }
        api.create(CreateRequest.newBuilder().setObject(Docs.space(realm + "/" + space)).build());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!daemon.daemon().index().get(ObjectPath.of(realm, space)).map(o -> o.state().equals("Ready")).orElse(false)) {
            assertTrue(System.nanoTime() < deadline, "space " + realm + "/" + space + " did not become Ready");
            Thread.sleep(20);
        }
        daemon.networks.ensure(realm, space, SpaceNetworkSource.pooled(Ipv4Subnet.parse("10.88." + third + ".0/24", "test")));
    }

    @Test
    void okWithThePluginsAndTheBridgesOfTheReadySpaces() throws Exception {
        assertEquals("OK", network().getLevel(), network().toString());
        readySpace("main", "web", 1);

        StatusResponse.Check check = network();

        assertEquals("OK", check.getLevel(), check.toString());
        assertEquals("CNI plugins bridge, host-local, portmap, loopback in " + FakeSpaceNetworks.PLUGIN_PATH
                + ", bridges of 1 ready space there", check.getDetail());
    }

    @Test
    void aMissingPluginIsAFailNamingItAndThePath() throws Exception {
        daemon.networks.missingPlugins.add("portmap");

        StatusResponse.Check check = network();

        assertEquals("FAIL", check.getLevel());
        assertEquals("CNI plugin portmap not found in " + FakeSpaceNetworks.PLUGIN_PATH, check.getDetail());
    }

    @Test
    void aSpaceWhoseBridgeWentMissingIsAFailNamingTheSpaceAndTheBridge() throws Exception {
        readySpace("main", "web", 1);
        readySpace("main", "db", 2);
        daemon.networks.remove("main", "web");   // what a reboot or a hand's `ip link del` leaves

        StatusResponse.Check check = network();

        assertEquals("FAIL", check.getLevel());
        assertEquals("missing bridge of space main/web (" + SpaceNetwork.bridgeName("main-web") + ")", check.getDetail());
        daemon.networks.missingPlugins.add("bridge");
        assertTrue(network().getDetail().startsWith("CNI plugin bridge not found in /fake/cni; missing bridge of space main/web"),
                network().getDetail());
    }

    @Test
    void manyMissingBridgesAreCountedBeyondTheFirstNamed() throws Exception {
        int spaces = DaemonStatus.MAX_NAMED_SPACES + 2;
        for (int i = 0; i < spaces; i++) {
            readySpace("main", "s" + i, 10 + i);
            daemon.networks.remove("main", "s" + i);
        }

        String detail = network().getDetail();

        assertTrue(detail.startsWith("missing bridges of spaces main/s0 ("), detail);
        assertTrue(detail.endsWith(" and 2 more"), detail);
        assertFalse(detail.contains("main/s" + (spaces - 1)), detail);
    }
}
