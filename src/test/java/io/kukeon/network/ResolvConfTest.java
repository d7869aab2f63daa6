package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResolvConfTest {
    private static List<String> entries(String resolvConf) {
        return resolvConf.lines().filter(l -> !l.startsWith("#")).toList();
    }

    @Test
    void keepsTheHostsReachableServersSearchAndOptionsAndDropsLoopbackAndIpv6Servers() {
        String host = """
                # managed by someone
                nameserver 127.0.0.53
                nameserver 10.0.0.2
                ; a comment
                nameserver ::1
                nameserver fd00::53
                nameserver\t127.1.2.3
                search corp.example example.com
                options edns0 trust-ad
                nameserver 10.0.0.3 # the second
                """;

        assertEquals(List.of("search corp.example example.com", "options edns0 trust-ad", "nameserver 10.0.0.2",
                "nameserver 10.0.0.3"), entries(ResolvConf.render(host, List.of())));
    }

    @Test
    void theDnsSettingReplacesTheHostsServersButKeepsItsSearchAndOptions() {
        String host = "nameserver 10.0.0.2\nsearch corp.example\noptions ndots:2\n";

        String resolv = ResolvConf.render(host, List.of("192.0.2.53", "198.51.100.53"));

        assertEquals(List.of("search corp.example", "options ndots:2", "nameserver 192.0.2.53", "nameserver 198.51.100.53"),
                entries(resolv));
        assertTrue(resolv.startsWith("# written by kukeond from the host's resolv.conf with the name servers of its dns setting"));
    }

    @Test
    void whenNothingIsLeftThereIsNoNameserverLineAndACommentSaysWhy() {
        String resolv = ResolvConf.render("nameserver 127.0.0.53\noptions edns0\n", List.of());

        assertEquals(List.of("options edns0"), entries(resolv));
        assertTrue(resolv.contains(ResolvConf.NO_SERVER_COMMENT), resolv);
    }

    @Test
    void aHostWithoutResolvConfGivesTheCommentAlone() {
        String resolv = ResolvConf.render("", List.of());

        assertEquals(List.of(), entries(resolv));
        assertTrue(resolv.contains(ResolvConf.NO_SERVER_COMMENT), resolv);
    }

    @Test
    void keepsAtMostThreeServersAsAResolverReadsNoMoreAndNoneTwice() {
        String host = "nameserver 10.0.0.1\nnameserver 10.0.0.1\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n";

        assertEquals(List.of("nameserver 10.0.0.1", "nameserver 10.0.0.2", "nameserver 10.0.0.3"),
                entries(ResolvConf.render(host, List.of())));
    }

    @Test
    void theDnsSettingIsCheckedNamingTheSettingAndTheRule() {
        assertEquals(List.of("192.0.2.53"), ResolvConf.checkServers("network.dns", List.of("192.0.2.53")));

        InvalidArgumentException loopback = assertThrows(InvalidArgumentException.class,
                () -> ResolvConf.checkServers("network.dns", List.of("192.0.2.53", "127.0.0.53")));
        assertEquals("network.dns[1]", loopback.field());
        assertTrue(loopback.getMessage().contains("loopback"), loopback.getMessage());

        InvalidArgumentException name = assertThrows(InvalidArgumentException.class,
                () -> ResolvConf.checkServers("network.dns", List.of("dns.example")));
        assertEquals("network.dns[0]", name.field());
        assertTrue(name.getMessage().contains("must be an IPv4 address"), name.getMessage());

        assertEquals("network.dns[0]", assertThrows(InvalidArgumentException.class,
                () -> ResolvConf.checkServers("network.dns", List.of("2001:db8::53"))).field());
        InvalidArgumentException many = assertThrows(InvalidArgumentException.class,
                () -> ResolvConf.checkServers("network.dns", List.of("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4")));
        assertEquals("network.dns", many.field());
        assertTrue(many.getMessage().contains("at most 3"), many.getMessage());
    }
}
