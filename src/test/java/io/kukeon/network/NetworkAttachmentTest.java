package io.kukeon.network;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a cell's status takes from CNI results of the versions a user's conflist may speak. */
class NetworkAttachmentTest {

    @Test
    void aBridgeResultGivesAddressGatewayBridgeAndHostVeth() {
        var result = CniJson.object("""
                {"cniVersion": "1.0.0",
                 "interfaces": [{"name": "k-0a1b2c3d"}, {"name": "veth1234"}, {"name": "eth0", "sandbox": "/proc/42/ns/net"}],
                 "ips": [{"interface": 2, "address": "fd00::5/64"}, {"interface": 2, "address": "10.88.3.5/24", "gateway": "10.88.3.1"}]}""");

        assertEquals(new NetworkAttachment("10.88.3.5", 24, "10.88.3.1", "k-0a1b2c3d", "veth1234"),
                NetworkAttachment.fromResult(result, "main-web", "k-0a1b2c3d"));
    }

    @Test
    void aPtpResultOfVersion040HasNoBridge() {
        var result = CniJson.object("""
                {"cniVersion": "0.4.0",
                 "interfaces": [{"name": "veth99", "mac": "aa:bb:cc:dd:ee:ff"}, {"name": "eth0", "sandbox": "/run/netns/x"}],
                 "ips": [{"version": "4", "interface": 1, "address": "192.168.50.7/28"}]}""");

        assertEquals(new NetworkAttachment("192.168.50.7", 28, null, null, "veth99"), NetworkAttachment.fromResult(result, "user-net", null));
        assertEquals("192.168.50.7/28", NetworkAttachment.fromResult(result, "user-net", null).cidr());
    }

    @Test
    void aResultWithoutAnIpv4AddressIsAFailureNamingTheNetwork() {
        var result = CniJson.object("{\"cniVersion\": \"1.0.0\", \"ips\": [{\"address\": \"fd00::5/64\"}]}");

        CniFailure failure = assertThrows(CniFailure.class, () -> NetworkAttachment.fromResult(result, "v6-only", null));
        assertTrue(failure.getMessage().startsWith("the CNI result of network v6-only holds no IPv4 address"), failure.getMessage());
    }

    /** Regression: a plugin's "10.88.3.5/x" ended in a NumberFormatException, not in a failure naming the network. */
    @Test
    void anAddressWithABadPrefixLengthIsNotTakenForOne() {
        for (String address : new String[] {"10.88.3.5/x", "10.88.3.5/33", "10.88.3.5/"}) {
            var result = CniJson.object("{\"cniVersion\": \"1.0.0\", \"ips\": [{\"address\": \"" + address + "\"}]}");

            CniFailure failure = assertThrows(CniFailure.class, () -> NetworkAttachment.fromResult(result, "odd", null), address);
            assertTrue(failure.getMessage().startsWith("the CNI result of network odd holds no IPv4 address"), failure.getMessage());
        }
    }
}
