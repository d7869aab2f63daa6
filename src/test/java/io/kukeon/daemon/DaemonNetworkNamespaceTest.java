package io.kukeon.daemon;

import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.SpaceNetworkSource;
import io.kukeon.network.SpaceNetwork;
import io.kukeon.network.SpaceNetworks;
import io.kukeon.testing.NetworkNamespaces;
import io.kukeon.testing.RealDaemon;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kukeond of the tests on real containerd makes its networks in a network namespace of its own,
 * which goes when it stops: nothing of a test makes a bridge in the machine's own namespace.
 */
@Tag("cni")
class DaemonNetworkNamespaceTest {
    @TempDir
    Path dataDir;

    @Test
    void aRealDaemonsNetworksAreMadeInANamespaceOfItsOwnThatIsDeletedAfterIt() throws Exception {
        NetworkNamespaces.needPlugins();
        Path namespace;
        String bridge = SpaceNetwork.bridgeName(SpaceNetwork.networkName("netns", "probe"));
        try (RealDaemon daemon = new RealDaemon(dataDir)) {
            namespace = daemon.host.network.path;
            assertEquals(Path.of("/run/netns", daemon.cgroupRoot), namespace, "named as its cgroup root: the run's clean-up finds both");
            assertEquals(namespace, daemon.config().network().namespace());
            assertTrue(Files.exists(namespace));

            // the port kukeond builds from these settings
            SpaceNetworks networks = new HostPorts().networks(daemon.config());
            networks.ensure("netns", "probe", SpaceNetworkSource.pooled(Ipv4Subnet.parse("10.88.250.0/24", "test")));

            assertTrue(daemon.host.network.ok("ip", "-o", "link", "show", "dev", bridge).contains(bridge));
            assertFalse(NetworkNamespaces.linkExistsOnTheMachine(bridge));
        }
        assertFalse(Files.exists(namespace), "deleted after the daemon stopped");
    }
}
