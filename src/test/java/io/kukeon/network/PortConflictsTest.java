package io.kukeon.network;

import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PortConflictsTest {
    private static PortClaim claim(String cell, String field, String entry) {
        return new PortClaim(cell, field, PublishedPort.parse(field, entry));
    }

    private static final PortClaim WEB_ALL_8080 = claim("main/default/default/web", "spec.containers[0].ports[0]", "8080:80");

    @Test
    void aHostPortAnotherCellPublishesOnAnAddressInCommonIsRefusedNamingThatCell() {
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> PortConflicts.check(
                List.of(claim("main/default/default/api", "spec.containers[1].ports[2]", "127.0.0.1:8080:9000")),
                List.of(WEB_ALL_8080)));

        assertEquals(PortConflicts.HOST_PORT_IN_USE, e.kind());
        assertEquals("spec.containers[1].ports[2]: host port 8080/tcp on 127.0.0.1 is already published by cell"
                + " main/default/default/web (spec.containers[0].ports[0]: 0.0.0.0:8080:80/tcp)", e.getMessage());
    }

    @Test
    void allAddressesOfTheNewCellOverlapAnAddressAnotherCellHolds() {
        PortClaim loopback = claim("main/default/default/web", "spec.containers[0].ports[0]", "127.0.0.1:8080:80");

        assertThrows(FailedPreconditionException.class, () -> PortConflicts.check(
                List.of(claim("main/default/default/api", "spec.containers[0].ports[0]", "8080:80")), List.of(loopback)));
    }

    @Test
    void anotherProtocolAnotherPortOrAnotherAddressIsNoConflict() {
        List<PortClaim> published = List.of(WEB_ALL_8080,
                claim("main/default/default/dns", "spec.containers[0].ports[0]", "10.0.0.1:53:53/udp"));

        assertDoesNotThrow(() -> PortConflicts.check(List.of(
                claim("main/default/default/api", "spec.containers[0].ports[0]", "8080:80/udp"),
                claim("main/default/default/api", "spec.containers[0].ports[1]", "8081:80"),
                claim("main/default/default/api", "spec.containers[0].ports[2]", "10.0.0.2:53:53/udp")), published));
    }

    @Test
    void twoEntriesOfTheCellItselfThatOverlapAreABadInputNamingBoth() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> PortConflicts.check(List.of(
                claim("main/default/default/api", "spec.containers[0].ports[0]", "127.0.0.1:9000:80"),
                claim("main/default/default/api", "spec.containers[1].ports[0]", "9000:81")), List.of()));

        assertEquals("spec.containers[1].ports[0]", e.field());
        assertEquals("spec.containers[1].ports[0]: host port 9000/tcp on 0.0.0.0 is already published by"
                + " spec.containers[0].ports[0] of this cell", e.getMessage());
    }

    @Test
    void amongManyPublishedPortsTheOneInConflictIsFound() {
        List<PortClaim> published = new ArrayList<>();
        for (int port = 1; port <= 60_000; port++) {
            published.add(new PortClaim("r/s/t/c" + port, "spec.containers[0].ports[0]",
                    new PublishedPort("0.0.0.0", port, 80, PublishedPort.Protocol.TCP)));
        }
        List<PortClaim> wanted = List.of(claim("r/s/t/new", "spec.containers[0].ports[0]", "60001:80"),
                claim("r/s/t/new", "spec.containers[0].ports[1]", "60002:80/udp"));

        assertDoesNotThrow(() -> PortConflicts.check(wanted, published));
        FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> PortConflicts.check(
                List.of(claim("r/s/t/new", "spec.containers[0].ports[0]", "59999:80")), published));
        assertEquals("spec.containers[0].ports[0]: host port 59999/tcp on 0.0.0.0 is already published by cell r/s/t/c59999"
                + " (spec.containers[0].ports[0]: 0.0.0.0:59999:80/tcp)", e.getMessage());
    }
}
