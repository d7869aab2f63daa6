package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.kukeon.network.PublishedPort.Protocol.TCP;
import static io.kukeon.network.PublishedPort.Protocol.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublishedPortTest {
    private static final String FIELD = "spec.containers[1].ports[0]";

    private static PublishedPort parse(String entry) {
        return PublishedPort.parse(FIELD, entry);
    }

    /** The error's message, after checking that it names the entry's field. */
    private static String refused(String entry) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> parse(entry));
        assertEquals(FIELD, e.field());
        assertTrue(e.getMessage().startsWith(FIELD + ": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void readsDockersFormatWithTcpAndAllAddressesAsDefaults() {
        assertEquals(new PublishedPort("0.0.0.0", 8080, 80, TCP), parse("8080:80"));
        assertEquals(new PublishedPort("0.0.0.0", 5353, 53, UDP), parse("5353:53/udp"));
        assertEquals(new PublishedPort("0.0.0.0", 443, 8443, TCP), parse("443:8443/tcp"));
        assertEquals(new PublishedPort("127.0.0.1", 8053, 53, UDP), parse("127.0.0.1:8053:53/udp"));
        assertEquals(new PublishedPort("0.0.0.0", 1, 65535, TCP), parse("0.0.0.0:1:65535"));
        assertEquals("127.0.0.1:8053:53/udp", parse("127.0.0.1:8053:53/udp").toString());
    }

    @Test
    void aBareContainerPortIsRefusedSinceKukeonPublishesOnlyAFixedHostPort() {
        assertTrue(refused("80").contains("has no host port"));
        assertTrue(refused("80/udp").contains("has no host port"));
        assertTrue(refused("127.0.0.1::80").contains("has no host port"));
        assertTrue(refused(":80").contains("has no host port"));
    }

    @Test
    void portsOutOfRangeOrNotNumbersAreRefusedNamingWhichPort() {
        assertTrue(refused("0:80").contains("hostPort must be a port number from 1 to 65535"));
        assertTrue(refused("65536:80").contains("hostPort must be a port number from 1 to 65535"));
        assertTrue(refused("8080:0").contains("containerPort must be a port number from 1 to 65535"));
        assertTrue(refused("8080:99999").contains("containerPort must be a port number"));
        assertTrue(refused("8080:123456").contains("containerPort must be a port number"));
        assertTrue(refused("http:80").contains("hostPort must be a port number"));
        assertTrue(refused("8080:").contains("containerPort must be a port number"));
        assertTrue(refused("+80:80").contains("hostPort must be a port number"));
        assertTrue(refused(" 8080:80").contains("hostPort must be a port number"));
    }

    @Test
    void aProtocolOtherThanTcpOrUdpIsRefused() {
        assertTrue(refused("8080:80/sctp").contains("protocol must be tcp or udp"));
        assertTrue(refused("8080:80/TCP").contains("protocol must be tcp or udp"));
        assertTrue(refused("8080:80/").contains("protocol must be tcp or udp"));
    }

    @Test
    void aHostIpMustBeAnIpv4Address() {
        assertTrue(refused("localhost:8080:80").contains("hostIP must be an IPv4 address"));
        assertTrue(refused("256.1.1.1:8080:80").contains("hostIP must be an IPv4 address"));
        assertTrue(refused("010.0.0.1:8080:80").contains("hostIP must be an IPv4 address"));
        assertTrue(refused(":8080:80").contains("hostIP must be an IPv4 address"));
        assertTrue(refused("[::1]:8080:80").contains("hostIP must be an IPv4 address"));
        assertTrue(refused("::1:8080:80").contains("hostIP must be an IPv4 address"));
    }

    @Test
    void rangesEmptyAndOverlongEntriesAreRefused() {
        assertTrue(refused("8000-8010:80-90").contains("port ranges are not supported"));
        assertTrue(refused("").contains("is empty"));
        assertTrue(refused(null).contains("is empty"));
        assertTrue(refused("1".repeat(65)).contains("longer than 64"));
        assertTrue(refused("8080:80\n").contains("\\x0a"), "control characters are shown escaped");
    }

    @Test
    void parseAllNamesTheEntryAndBoundsTheList() {
        assertEquals(List.of(new PublishedPort("0.0.0.0", 8080, 80, TCP), new PublishedPort("0.0.0.0", 8443, 443, TCP)),
                PublishedPort.parseAll("spec.containers[1].ports", List.of("8080:80", "8443:443")));

        InvalidArgumentException second = assertThrows(InvalidArgumentException.class,
                () -> PublishedPort.parseAll("spec.containers[1].ports", List.of("8080:80", "8080")));
        assertEquals("spec.containers[1].ports[1]", second.field());

        List<String> many = new ArrayList<>();
        for (int i = 0; i <= PublishedPort.MAX_PER_CONTAINER; i++) {
            many.add((10000 + i) + ":80");
        }
        InvalidArgumentException tooMany = assertThrows(InvalidArgumentException.class,
                () -> PublishedPort.parseAll("spec.containers[1].ports", many));
        assertEquals("spec.containers[1].ports", tooMany.field());
    }

    @Test
    void theRecordItselfRefusesWhatTheParserWouldNeverGive() {
        assertThrows(IllegalArgumentException.class, () -> new PublishedPort("::", 8080, 80, TCP));
        assertThrows(IllegalArgumentException.class, () -> new PublishedPort("0.0.0.0", 0, 80, TCP));
        assertThrows(IllegalArgumentException.class, () -> new PublishedPort("0.0.0.0", 8080, 65536, TCP));
        assertThrows(IllegalArgumentException.class, () -> new PublishedPort("0.0.0.0", 8080, 80, null));
    }

    @Test
    void overlapsWhenProtocolAndHostPortMatchOnAnAddressInCommon() {
        PublishedPort all = parse("8080:80");
        assertTrue(all.overlaps(parse("127.0.0.1:8080:81")));
        assertTrue(parse("127.0.0.1:8080:81").overlaps(all));
        assertTrue(parse("10.0.0.1:8080:80").overlaps(parse("10.0.0.1:8080:90")));
        assertFalse(parse("10.0.0.1:8080:80").overlaps(parse("10.0.0.2:8080:80")));
        assertFalse(all.overlaps(parse("8080:80/udp")));
        assertFalse(all.overlaps(parse("8081:80")));
    }

    @Test
    void becomesThePortmapPluginsEntryWithItsJsonKeys() throws Exception {
        assertEquals(CniJson.MAPPER.readTree("{\"hostPort\":8053,\"containerPort\":53,\"protocol\":\"udp\",\"hostIP\":\"127.0.0.1\"}"),
                PortMapping.toJson(List.of(parse("127.0.0.1:8053:53/udp").toPortMapping())).get(0));
        assertEquals(CniJson.MAPPER.readTree("{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\",\"hostIP\":\"0.0.0.0\"}"),
                PortMapping.toJson(List.of(parse("8080:80").toPortMapping())).get(0));
    }
}
