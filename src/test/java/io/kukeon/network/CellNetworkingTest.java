package io.kukeon.network;

import io.kukeon.model.CellSpec;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.testing.Specs;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CellNetworkingTest {
    private static CellSpec cell(String rootContainerId, io.kukeon.model.ContainerSpec... containers) {
        return new CellSpec(List.of(containers), rootContainerId, false, null);
    }

    @Test
    void aSynthesizedRootIsOnTheHostsNetworkWhenAContainerAsksAndTheNormalizedSpecSaysSo() {
        CellSpec spec = cell(null, Specs.container("app").build(), Specs.container("agent").hostNetwork().build());

        assertTrue(CellNetworking.onHostNetwork(spec));
        CellSpec normalized = spec.normalized();
        assertTrue(normalized.rootContainer().hostNetwork(), "the pause root takes the host's network");
        assertTrue(CellNetworking.onHostNetwork(normalized), "the stored spec answers the same");
        assertFalse(cell(null, Specs.container("app").build()).normalized().rootContainer().hostNetwork());
    }

    @Test
    void anExplicitRootWithoutHostNetworkBesideOneWithItIsRefusedWithTheReferencesError() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> CellNetworking.onHostNetwork(
                cell(null, Specs.container("db").root().build(), Specs.container("agent").hostNetwork().build())));

        assertEquals("spec.containers[0].root", e.field());
        assertTrue(e.getMessage().contains(HostNetworkRoot.MISMATCH), e.getMessage());
    }

    @Test
    void everyContainersPortsAreClaimedWithTheirFields() {
        CellSpec spec = cell(null, Specs.container("web").ports("18080:8080").build(),
                Specs.container("dns").ports("127.0.0.1:5353:53/udp", "8443:443").build());

        List<PortClaim> claims = CellNetworking.claims("r/s/t/c", spec, CellNetworking.CELL_FIELDS);

        assertEquals(List.of("spec.containers[0].ports[0]", "spec.containers[1].ports[0]", "spec.containers[1].ports[1]"),
                claims.stream().map(PortClaim::field).toList());
        assertEquals(List.of(new PortMapping(18080, 8080, "tcp", "0.0.0.0"), new PortMapping(5353, 53, "udp", "127.0.0.1"),
                new PortMapping(8443, 443, "tcp", "0.0.0.0")), CellNetworking.portMappings(spec));
    }

    @Test
    void aBadPortIsRefusedNamingItsEntry() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> CellNetworking.claims("r/s/t/c",
                cell(null, Specs.container("web").ports("8080:80", "70000:80").build()), CellNetworking.CELL_FIELDS));

        assertEquals("spec.containers[0].ports[1]", e.field());
        assertTrue(e.getMessage().contains("hostPort must be a port number from 1 to 65535"), e.getMessage());
    }

    @Test
    void portsOnACellOnTheHostsNetworkAreRefused() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> CellNetworking.claims("r/s/t/c",
                cell(null, Specs.container("web").ports("8080:80").build(), Specs.container("agent").hostNetwork().build()),
                CellNetworking.CELL_FIELDS));

        assertEquals("spec.containers[0].ports", e.field());
        assertTrue(e.getMessage().contains("publishes no port"), e.getMessage());
    }

    @Test
    void aHostPortAnotherCellPublishesIsRefusedNamingBoth() {
        List<PortClaim> others = CellNetworking.claims("r/s/t/first",
                cell(null, Specs.container("web").ports("18080:8080").build()), CellNetworking.CELL_FIELDS);

        FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> CellNetworking.check(
                "r/s/t/second", cell(null, Specs.container("api").ports("127.0.0.1:18080:80").build()),
                CellNetworking.CELL_FIELDS, others));

        assertEquals(PortConflicts.HOST_PORT_IN_USE, e.kind());
        assertTrue(e.getMessage().startsWith("spec.containers[0].ports[0]: host port 18080/tcp on 127.0.0.1 is already"
                + " published by cell r/s/t/first"), e.getMessage());
        // the same number over udp takes other packets
        CellNetworking.check("r/s/t/second", cell(null, Specs.container("api").ports("18080:80/udp").build()),
                CellNetworking.CELL_FIELDS, others);
    }
}
