package io.kukeon.network;

import io.kukeon.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A space's network from the user's conflist: the file's rules, and its bridge and subnet as the tree needs them. */
class UserNetworkTest {
    @TempDir
    Path dir;

    private Path write(String json) throws Exception {
        Path file = dir.resolve("user.conflist");
        Files.writeString(file, json);
        return file;
    }

    private String rejection(String path) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> UserNetwork.read(path));
        assertEquals(UserNetwork.FIELD, e.field());
        return e.getMessage();
    }

    @Test
    void theBridgeAndTheHostLocalSubnetAreReadFromTheFile() throws Exception {
        Path file = write("""
                {"cniVersion": "1.0.0", "name": "shop", "plugins": [
                  {"type": "bridge", "bridge": "shop0", "isGateway": true,
                   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.89.7.0/24"}], [{"subnet": "fd00:89::/64"}]],
                            "dataDir": "/srv/ipam"}},
                  {"type": "portmap", "capabilities": {"portMappings": true}}]}""");

        UserNetwork network = UserNetwork.read(file.toString());

        assertEquals("shop", network.name());
        assertEquals("shop0", network.bridge());
        assertEquals(Ipv4Subnet.parse("10.89.7.0/24", "test"), network.subnet(), "the IPv6 range is the plugin's business");
        assertEquals(file, network.file());
        assertEquals(Path.of("/srv/ipam/shop"), UserNetwork.leaseDir(network.config()));
    }

    @Test
    void theOlderSubnetFieldADefaultBridgeAndOtherIpamsAreUnderstood() throws Exception {
        UserNetwork legacy = UserNetwork.read(write("""
                {"cniVersion": "0.4.0", "name": "old", "plugins": [
                  {"type": "bridge", "ipam": {"type": "host-local", "subnet": "192.168.77.0/24"}}]}""").toString());
        assertEquals("cni0", legacy.bridge(), "the bridge plugin's default");
        assertEquals("192.168.77.0/24", legacy.subnet().toString());
        assertEquals(Path.of("/var/lib/cni/networks/old"), UserNetwork.leaseDir(legacy.config()), "host-local's default dataDir");

        UserNetwork dhcp = UserNetwork.read(write("""
                {"cniVersion": "1.0.0", "name": "lan", "plugins": [{"type": "macvlan", "master": "eth0", "ipam": {"type": "dhcp"}}]}""")
                .toString());
        assertNull(dhcp.bridge());
        assertNull(dhcp.subnet(), "no subnet kukeon could know");
        assertNull(UserNetwork.leaseDir(dhcp.config()));
    }

    @Test
    void thePathMustBeAbsoluteAndNormalAndNameARegularFile() {
        assertTrue(rejection("net.conflist").contains("must be an absolute path"));
        assertTrue(rejection("/etc/cni/../net.conflist").contains("must be an absolute path"));
        assertTrue(rejection("/etc/cni/").contains("must be an absolute path"));
        assertTrue(rejection("").contains("is empty"));
        assertTrue(rejection("/" + "a".repeat(UserNetwork.MAX_PATH_LENGTH)).contains("at most 4096"));
        assertTrue(rejection(dir.toString()).contains("is not a readable file"));
        assertTrue(rejection(dir.resolve("missing.conflist").toString()).contains("is not a readable file"));
    }

    @Test
    void aFileThatIsNoConflistOrTooLargeIsRefusedNamingTheFile() throws Exception {
        assertTrue(rejection(write("{\"name\": \"x\"}").toString()).contains("\"cniVersion\""));
        assertTrue(rejection(write("{\"cniVersion\": \"1.0.0\", \"name\": \"x\", \"plugins\": [{}]}").toString())
                .contains("plugins[0] must be an object with a \"type\""));
        String big = "{\"cniVersion\": \"1.0.0\", \"name\": \"x\", \"pad\": \"" + "x".repeat(NetworkConfigList.MAX_BYTES) + "\"}";
        String message = rejection(write(big).toString());
        assertTrue(message.contains("larger than 65536 bytes"), message);
        assertTrue(message.startsWith("spec.cniConfigPath: " + dir.resolve("user.conflist")), message);
    }

    @Test
    void aBridgeNamedLikeKukeonsOwnOrNoInterfaceNameIsRefused() throws Exception {
        String kukeons = rejection(write("""
                {"cniVersion": "1.0.0", "name": "x", "plugins": [{"type": "bridge", "bridge": "k-0badcafe"}]}""").toString());
        assertTrue(kukeons.contains("starts with \"k-\""), kukeons);
        String tooLong = rejection(write("""
                {"cniVersion": "1.0.0", "name": "x", "plugins": [{"type": "bridge", "bridge": "a-very-long-bridge-name"}]}""").toString());
        assertTrue(tooLong.contains("is not an interface name"), tooLong);
    }

    @Test
    void twoIpv4NetworksOrABadOneAreRefusedNamingWhere() throws Exception {
        String two = rejection(write("""
                {"cniVersion": "1.0.0", "name": "x", "plugins": [{"type": "bridge", "bridge": "b0",
                 "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.1.0.0/24"}], [{"subnet": "10.2.0.0/24"}]]}}]}""").toString());
        assertTrue(two.contains("2 IPv4 networks (10.1.0.0/24, 10.2.0.0/24); a space has one"), two);
        String bad = rejection(write("""
                {"cniVersion": "1.0.0", "name": "x", "plugins": [{"type": "bridge", "bridge": "b0",
                 "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.1.0.1/24"}]]}}]}""").toString());
        assertTrue(bad.contains("plugins[0].ipam.ranges[0][0].subnet: \"10.1.0.1/24\" has host bits set"), bad);
    }
}
