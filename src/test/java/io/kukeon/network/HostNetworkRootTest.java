package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostNetworkRootTest {
    private static HostNetworkRoot.Container plain(String id) {
        return new HostNetworkRoot.Container(id, false, false);
    }

    private static HostNetworkRoot.Container hostNetwork(String id) {
        return new HostNetworkRoot.Container(id, false, true);
    }

    @Test
    void aSynthesizedRootTakesTheHostsNetworkWhenAnyContainerAsksForIt() {
        assertTrue(HostNetworkRoot.rootUsesHostNetwork(List.of(plain("app"), hostNetwork("agent")), null));
        assertFalse(HostNetworkRoot.rootUsesHostNetwork(List.of(plain("app"), plain("sidecar")), null));
    }

    @Test
    void anExplicitRootWithHostNetworkPutsTheWholeCellOnIt() {
        assertTrue(HostNetworkRoot.rootUsesHostNetwork(List.of(plain("app"), new HostNetworkRoot.Container("agent", true, true)), null));
        assertTrue(HostNetworkRoot.rootUsesHostNetwork(List.of(plain("app"), hostNetwork("agent")), "agent"));
        assertFalse(HostNetworkRoot.rootUsesHostNetwork(List.of(plain("app"), new HostNetworkRoot.Container("db", true, false)), null));
    }

    @Test
    void aRootContainerIdWithoutHostNetworkBesideAHostNetworkPeerIsRefusedWithTheReferencesError() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> HostNetworkRoot.rootUsesHostNetwork(List.of(plain("db"), hostNetwork("agent"), hostNetwork("probe")), "db"));

        assertEquals("spec.rootContainerId", e.field());
        assertEquals("spec.rootContainerId: explicit rootContainerId must have hostNetwork: true when any cell container"
                + " has hostNetwork: true (root \"db\" lacks it; it is set on \"agent\", \"probe\")", e.getMessage());
    }

    @Test
    void aRootTrueWithoutHostNetworkBesideAHostNetworkPeerIsRefusedNamingItsFlag() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> HostNetworkRoot.rootUsesHostNetwork(
                List.of(hostNetwork("agent"), new HostNetworkRoot.Container("db", true, false)), null));

        assertEquals("spec.containers[1].root", e.field());
        assertTrue(e.getMessage().contains(HostNetworkRoot.MISMATCH), e.getMessage());
    }
}
