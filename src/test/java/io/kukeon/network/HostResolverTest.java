package io.kukeon.network;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The system resolver, on names that never leave this machine (an IPv4 literal, /etc/hosts' localhost). */
class HostResolverTest {
    private final HostResolver resolver = HostResolver.system(Duration.ofSeconds(2));

    @Test
    void anIpv4LiteralIsItself() throws Exception {
        assertEquals(List.of("192.0.2.7"), resolver.ipv4Addresses("192.0.2.7"));
    }

    @Test
    void aNameGivesItsIpv4AddressesOnly() throws Exception {
        List<String> addresses = resolver.ipv4Addresses("localhost");

        assertTrue(addresses.contains("127.0.0.1"), addresses.toString());
        assertTrue(addresses.stream().allMatch(Ipv4::isAddress), addresses.toString());
    }
}
