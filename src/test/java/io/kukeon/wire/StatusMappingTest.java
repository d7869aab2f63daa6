package io.kukeon.wire;

import io.kukeon.model.CellNetworkStatus;
import io.kukeon.model.CellState;
import io.kukeon.model.CellStatus;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class StatusMappingTest {
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    private static ContainerStatus starting(ContainerStatus.Pull pull) {
        return new ContainerStatus("app", "s_st_c_app", ContainerState.Pending, null, 2, T0, null, null, null, false,
                "Starting", null, null, "/var/log/app.log", "/kukeon/r/s/st/c/app", "registry.example:5000/app:1",
                null, pull);
    }

    @Test
    void aContainerStatusWithAPullSurvivesTheWire() {
        ContainerStatus s = starting(new ContainerStatus.Pull(1L << 20, 3L << 20));
        io.kukeon.wire.v1.ContainerStatus p = StatusMapping.toContainerProto(s);
        assertEquals(1L << 20, p.getPull().getDoneBytes());
        assertEquals(3L << 20, p.getPull().getTotalBytes());
        assertEquals(s, StatusMapping.fromProto(p));
    }

    @Test
    void noPullStaysUnsetBothWays() {
        ContainerStatus s = starting(null);
        io.kukeon.wire.v1.ContainerStatus p = StatusMapping.toContainerProto(s);
        assertFalse(p.hasPull());
        assertEquals(s, StatusMapping.fromProto(p));
    }

    @Test
    void aPullAtZeroBytesOfUnknownSizeIsStillAPull() {
        ContainerStatus s = starting(new ContainerStatus.Pull(0, 0));
        assertEquals(s, StatusMapping.fromProto(StatusMapping.toContainerProto(s)));
    }

    private static CellStatus running(CellNetworkStatus network) {
        return new CellStatus(CellState.Ready, null, null, null, List.of(starting(null)), true, network, T0, T0, T0, 2);
    }

    @Test
    void aCellsNetworkSurvivesTheWire() {
        CellStatus s = running(new CellNetworkStatus("10.88.3.7", 24, "10.88.3.1", "k-1a2b3c4d"));
        io.kukeon.wire.v1.Status p = StatusMapping.toProto(s);
        assertEquals("10.88.3.7", p.getNetwork().getAddress());
        assertEquals(24, p.getNetwork().getPrefixLength());
        assertEquals("10.88.3.1", p.getNetwork().getGateway());
        assertEquals("k-1a2b3c4d", p.getNetwork().getBridge());
        assertEquals(s, StatusMapping.cellFromProto(p));
    }

    @Test
    void aCellWithoutAnAddressHasNoNetworkOnTheWireAndBack() {
        CellStatus s = running(null);
        io.kukeon.wire.v1.Status p = StatusMapping.toProto(s);
        assertFalse(p.hasNetwork());
        assertEquals(s, StatusMapping.cellFromProto(p));
    }
}
