package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.ResourceExhaustedException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SubnetPoolTest {
    private static Ipv4Subnet net(String cidr) {
        return Ipv4Subnet.parse(cidr, "test");
    }

    @Test
    void theFirstFreeSlash24IsTheLowestNotInUse() {
        SubnetPool pool = SubnetPool.of(SubnetPool.DEFAULT);

        assertEquals(net("10.88.0.0/24"), pool.firstFree(List.of()));
        assertEquals(net("10.88.2.0/24"), pool.firstFree(List.of(net("10.88.0.0/24"), net("10.88.1.0/24"), net("10.88.3.0/24"))));
    }

    @Test
    void aUsersLargerNetworkTakesEverySlash24ItCovers() {
        SubnetPool pool = SubnetPool.of("10.88.0.0/16");

        assertEquals(net("10.88.4.0/24"), pool.firstFree(List.of(net("10.88.0.0/22"))));
        assertEquals(net("10.88.0.0/24"), pool.firstFree(List.of(net("192.168.0.0/16"))), "a network outside the pool takes nothing of it");
    }

    @Test
    void aFullPoolIsAClearError() {
        SubnetPool pool = SubnetPool.of("10.90.0.0/23");
        List<Ipv4Subnet> inUse = new ArrayList<>(List.of(net("10.90.0.0/24")));
        assertEquals(net("10.90.1.0/24"), pool.firstFree(inUse));
        inUse.add(net("10.90.1.0/24"));

        ResourceExhaustedException full = assertThrows(ResourceExhaustedException.class, () -> pool.firstFree(inUse));

        assertEquals("no free /24 left in pod-subnet 10.90.0.0/23 (2 networks in use)", full.getMessage());
    }

    @Test
    void aWholeSlash16HasTwoHundredFiftySixSpaces() {
        SubnetPool pool = SubnetPool.of("10.88.0.0/16");
        List<Ipv4Subnet> inUse = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            inUse.add(pool.firstFree(inUse));
        }

        assertEquals(net("10.88.255.0/24"), inUse.get(255));
        assertThrows(ResourceExhaustedException.class, () -> pool.firstFree(inUse));
    }

    @Test
    void aPodSubnetMustBeIpv4WithAPrefixOfAtMost24() {
        for (String bad : List.of("10.88.0.0/25", "fd00::/64", "10.88.0.0", "10.88.0.300/16", "10.88.1.0/16", "", "10.88.0.0/33", "010.88.0.0/16")) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> SubnetPool.of(bad), bad);
            assertEquals("pod-subnet", e.field(), bad);
        }
        assertEquals("pod-subnet: \"10.88.1.0/16\" has host bits set; the network is 10.88.0.0/16",
                assertThrows(InvalidArgumentException.class, () -> SubnetPool.of("10.88.1.0/16")).getMessage());
        assertEquals(net("10.0.0.0/8"), SubnetPool.of("10.0.0.0/8").podSubnet());
        assertEquals(net("10.1.2.0/24"), SubnetPool.of("10.1.2.0/24").firstFree(List.of()));
    }

    @Test
    void overlapIsSharingAnyAddress() {
        List<Ipv4Subnet> inUse = List.of(net("10.88.0.0/24"), net("172.16.0.0/12"));

        assertEquals(Optional.of(net("10.88.0.0/24")), SubnetPool.overlapping(net("10.88.0.128/25"), inUse));
        assertEquals(Optional.of(net("10.88.0.0/24")), SubnetPool.overlapping(net("10.0.0.0/8"), inUse));
        assertEquals(Optional.of(net("172.16.0.0/12")), SubnetPool.overlapping(net("172.20.1.0/24"), inUse));
        assertEquals(Optional.empty(), SubnetPool.overlapping(net("10.88.1.0/24"), inUse));
        assertEquals(Optional.of(net("10.88.0.0/24")), SubnetPool.overlapping(net("0.0.0.0/0"), inUse));
    }
}
