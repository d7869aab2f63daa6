package io.kukeon.network;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpaceNetworkTest {

    /** The published FNV-1a test vectors (Fowler, Noll, Vo: "FNV-1a 32 bit" of "", "a", "foobar"). */
    @Test
    void fnv1a32MatchesTheKnownVectors() {
        assertEquals("811c9dc5", Fnv1a32.hex(""));
        assertEquals("e40c292c", Fnv1a32.hex("a"));
        assertEquals("bf9cf968", Fnv1a32.hex("foobar"));
    }

    @Test
    void theBridgeIsNamedForTheHashOfTheNetworkName() {
        String name = SpaceNetwork.networkName("main", "web");

        assertEquals("main-web", name);
        assertEquals("k-" + Fnv1a32.hex("main-web"), SpaceNetwork.bridgeName(name));
        assertEquals(10, SpaceNetwork.bridgeName("a-realm-with-a-very-long-name-and-space").length());
    }

    /** The egress chains isolate what SpaceNetwork names: its bridges match their interface wildcard. */
    @Test
    void theBridgeIsAnInterfaceNameThatTheEgressWildcardCovers() {
        String bridge = SpaceNetwork.bridgeName("a-realm-with-a-very-long-name-and-space");

        assertTrue(InterfaceName.isValid(bridge), bridge);
        assertEquals("k-+", EgressRulePlan.KUKEON_BRIDGES);
        assertTrue(bridge.startsWith("k-"), bridge);
        for (String bad : new String[] {null, "", "sixteen-letters1", "a/b", "a:b", "a b", ".", ".."}) {
            assertFalse(InterfaceName.isValid(bad), bad);
        }
        assertTrue(InterfaceName.isValid("eth0"));
        assertTrue(InterfaceName.isValid("fifteen-letters"));
    }

    @Test
    void theConfigListIsBridgeWithHostLocalThenPortmapThenLoopback() {
        NetworkConfigList list = SpaceNetwork.configList("main", "web", Ipv4Subnet.parse("10.88.3.0/24", "test"), Path.of("/data/network/ipam"));

        // what kukeond writes is what a user's conflist file is read as
        NetworkConfigList reread = NetworkConfigList.parse(list.toJson(), "test");
        assertEquals(list, reread);
        assertEquals("main-web", reread.name());
        assertEquals("1.0.0", reread.cniVersion());
        assertEquals(java.util.List.of("bridge", "portmap", "loopback"), reread.plugins().stream().map(PluginConfig::type).toList());
        JsonNode bridge = reread.plugins().get(0).tree();
        assertEquals(SpaceNetwork.bridgeName("main-web"), bridge.path("bridge").asText());
        assertEquals(SpaceNetwork.bridgeName("main-web"), reread.bridgeName());
        assertEquals(true, bridge.path("isGateway").asBoolean());
        assertEquals(true, bridge.path("ipMasq").asBoolean());
        assertEquals("host-local", bridge.at("/ipam/type").asText());
        assertEquals("10.88.3.0/24", bridge.at("/ipam/ranges/0/0/subnet").asText());
        assertEquals("10.88.3.1", bridge.at("/ipam/ranges/0/0/gateway").asText());
        assertEquals("0.0.0.0/0", bridge.at("/ipam/routes/0/dst").asText());
        assertEquals("/data/network/ipam", bridge.at("/ipam/dataDir").asText());
        assertEquals(true, reread.plugins().get(1).declares("portMappings"));
        assertEquals(true, reread.plugins().get(1).tree().path("snat").asBoolean());
    }

    /** What kuke status looks for on the plugin path is what the config list runs, its IPAM plugin included. */
    @Test
    void thePluginsKukeondNeedsAreThoseTheConfigListRuns() {
        NetworkConfigList list = SpaceNetwork.configList("main", "web", Ipv4Subnet.parse("10.88.3.0/24", "test"), Path.of("/data/network/ipam"));
        java.util.Set<String> run = new java.util.HashSet<>();
        for (PluginConfig plugin : list.plugins()) {
            run.add(plugin.type());
            if (plugin.tree().has("ipam")) {
                run.add(plugin.tree().at("/ipam/type").asText());
            }
        }

        assertEquals(run, java.util.Set.copyOf(SpaceNetwork.PLUGINS));
    }
}
