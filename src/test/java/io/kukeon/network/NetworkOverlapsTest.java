package io.kukeon.network;

import io.kukeon.model.FailedPreconditionException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user's network stays apart from the pod subnet and from every other space's network, by subnet, name and bridge. */
class NetworkOverlapsTest {
    private static final Ipv4Subnet POD = Ipv4Subnet.parse("10.88.0.0/16", "test");

    private static UserNetwork network(String name, String bridge, String subnet) {
        String ipam = subnet == null ? "" : ", \"ipam\": {\"type\": \"host-local\", \"subnet\": \"" + subnet + "\"}";
        NetworkConfigList config = NetworkConfigList.parse("{\"cniVersion\": \"1.0.0\", \"name\": \"" + name
                + "\", \"plugins\": [{\"type\": \"bridge\", \"bridge\": \"" + bridge + "\"" + ipam + "}]}", "test");
        return UserNetwork.of(Path.of("/etc/cni/" + name + ".conflist"), config);
    }

    private static final List<NetworkClaim> IN_USE = List.of(
            NetworkClaim.pooled("main", "web", Ipv4Subnet.parse("10.88.0.0/24", "test")),
            NetworkClaim.pooled("old", "db", Ipv4Subnet.parse("10.77.3.0/24", "test")),   // a /24 of an earlier pod-subnet
            NetworkClaim.of("main/shop", network("shop", "shop0", "10.89.0.0/16")));

    private static String clash(UserNetwork network) {
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
                () -> NetworkOverlaps.check("main/new", network, IN_USE, POD));
        assertEquals(NetworkOverlaps.KIND, e.kind());
        assertTrue(e.getMessage().startsWith("spec.cniConfigPath: network \"" + network.name() + "\""), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aNetworkApartFromAllOthersPasses() {
        assertDoesNotThrow(() -> NetworkOverlaps.check("main/new", network("new", "new0", "10.90.1.0/24"), IN_USE, POD));
        assertDoesNotThrow(() -> NetworkOverlaps.check("main/new", network("new", "new0", null), IN_USE, POD), "no subnet, no overlap");
    }

    @Test
    void itsOwnClaimIsNoClash() {
        assertDoesNotThrow(() -> NetworkOverlaps.check("main/shop", network("shop", "shop0", "10.89.0.0/16"), IN_USE, POD));
    }

    @Test
    void overlappingThePodSubnetIsRefusedEvenWhereNoSpaceIsYet() {
        String message = clash(network("new", "new0", "10.88.200.0/24"));
        assertTrue(message.contains("overlaps pod-subnet 10.88.0.0/16"), message);
        assertTrue(clash(network("new", "new0", "10.0.0.0/8")).contains("overlaps pod-subnet"), "a wider network contains it");
    }

    @Test
    void overlappingAnotherSpacesNetworkIsRefusedNamingTheSpace() {
        String user = clash(network("new", "new0", "10.89.7.0/24"));
        assertTrue(user.contains("overlaps space main/shop's network \"shop\" (10.89.0.0/16) from /etc/cni/shop.conflist"), user);
        String journaled = clash(network("new", "new0", "10.77.0.0/16"));
        assertTrue(journaled.contains("overlaps space old/db's network \"old-db\" (10.77.3.0/24)"), journaled);
    }

    @Test
    void theNameOrTheBridgeOfAnotherSpacesNetworkIsRefused() {
        String sameName = clash(network("shop", "new0", "10.90.1.0/24"));
        assertTrue(sameName.contains("has the name of space main/shop's network \"shop\""), sameName);
        String kukeonsName = clash(network("main-web", "new0", null));
        assertTrue(kukeonsName.contains("has the name of space main/web's network \"main-web\""), kukeonsName);
        String sameBridge = clash(network("new", "shop0", "10.90.1.0/24"));
        assertTrue(sameBridge.contains("has the bridge shop0 of space main/shop's network"), sameBridge);
    }
}
