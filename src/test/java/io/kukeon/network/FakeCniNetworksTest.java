package io.kukeon.network;

import io.kukeon.testing.FakeCniNetworks;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The fake behaves as the real runtime does where actor tests rely on it. */
class FakeCniNetworksTest {
    private final NetworkConfigList network = SpaceNetwork.configList("main", "web", Ipv4Subnet.parse("10.88.9.0/24", "test"), Path.of("/ipam"));
    private final FakeCniNetworks cni = new FakeCniNetworks();

    private Attachment of(String containerId) {
        return new Attachment(network, containerId, Path.of("/proc/1/ns/net"), "eth0");
    }

    @Test
    void handsOutAddressesOfTheSpacesSubnetOncePerAttachment() {
        NetworkAttachment one = cni.add(of("a"));
        NetworkAttachment two = cni.add(of("b"));

        assertEquals("10.88.9.2", one.address());
        assertEquals("10.88.9.3", two.address());
        assertEquals("10.88.9.1", one.gateway());
        assertEquals(SpaceNetwork.bridgeName("main-web"), one.bridge());
        assertEquals(one, cni.add(of("a")));
        cni.delete(of("a"));
        cni.delete(of("a"));
        assertEquals("10.88.9.2", cni.add(of("c")).address(), "a freed address is handed out again");
        assertEquals(List.of("ADD", "ADD", "ADD", "DEL", "DEL", "ADD"), cni.calls().stream().map(FakeCniNetworks.Call::command).toList());
    }

    @Test
    void failsTheNextCallWhenAskedAndChangesNothing() {
        CniFailure failure = new CniFailure("bridge", 11, "no");
        cni.failNext("ADD", failure);

        assertSame(failure, assertThrows(CniFailure.class, () -> cni.add(of("a"))));
        assertEquals(0, cni.attachments("main-web").size());
        assertThrows(CniFailure.class, () -> cni.check(of("a")));
        assertEquals("10.88.9.2", cni.add(of("a")).address());
        cni.check(of("a"));
    }
}
