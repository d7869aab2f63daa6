package io.kukeon.daemon;

import com.typesafe.config.Config;
import io.kukeon.fleet.ClusterSettings;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.testing.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fleet's settings: what makes a member, and each bad value refused by the key it came in. */
class ClusterConfigTest {
    @TempDir
    Path dir;

    private DaemonConfig load(Map<String, String> flags) {
        Map<String, String> all = new HashMap<>(flags);
        all.put("data-dir", dir.resolve("data").toString());
        return DaemonConfig.load(all, null, Map.of());
    }

    private Path secret(String name, String text, String mode) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private void refused(String key, Map<String, String> flags) {
        refused(key, "", flags);
    }

    private void refused(String key, String why, Map<String, String> flags) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> load(flags));
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(why), e.getMessage());
    }

    /** A member's settings with the cluster's TLS files given (null: that key left out). */
    private Map<String, String> member(Path cert, Path key, Path ca) throws Exception {
        Map<String, String> flags = new HashMap<>(Map.of("cluster.listen", "127.0.0.1:25520",
                "cluster.secret-file", secret("s", "0123456789abcdef-fleet", "rw-------").toString()));
        if (cert != null) {
            flags.put("cluster.tls-cert-file", cert.toString());
        }
        if (key != null) {
            flags.put("cluster.tls-key-file", key.toString());
        }
        if (ca != null) {
            flags.put("cluster.tls-ca-file", ca.toString());
        }
        return flags;
    }

    /** A fleet's CA and node a's certificate, a stranger's CA and its node x's: keytool is slow, made once. */
    @TempDir
    static Path certificates;
    private static TestCertificates fleet;
    private static TestCertificates stranger;

    @BeforeAll
    static void makeCertificates() throws Exception {
        fleet = TestCertificates.rsa(certificates, "fleet-ca");
        fleet.sign("a", "dns:kukeon-fleet");
        stranger = TestCertificates.rsa(certificates, "other-ca");
        stranger.sign("x", "dns:kukeon-fleet");
    }

    @Test
    void withTheThreeTlsFilesArteryRunsOverTlsWithThem() throws Exception {
        DaemonConfig config = load(member(fleet.cert("a"), fleet.key("a"), fleet.caFile()));
        assertEquals("tls-tcp", config.pekko().getString("pekko.remote.artery.transport"));
        assertEquals("org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider",
                config.pekko().getString("pekko.remote.artery.ssl.ssl-engine-provider"));
        Config engine = config.pekko().getConfig("pekko.remote.artery.ssl.rotating-keys-engine");
        assertEquals(fleet.cert("a").toString(), engine.getString("cert-file"));
        assertEquals(fleet.key("a").toString(), engine.getString("key-file"));
        assertEquals(fleet.caFile().toString(), engine.getString("ca-cert-file"));
        // without them, plain TCP
        DaemonConfig plain = load(member(null, null, null));
        assertEquals("tcp", plain.pekko().getString("pekko.remote.artery.transport"));
        assertNull(plain.cluster().tls());
    }

    @Test
    void badTlsFilesAreRefusedByTheKeyTheyCameIn() throws Exception {
        Path a = fleet.cert("a");
        Path ca = fleet.caFile();
        // all three or none, and only with cluster.listen
        refused("cluster.tls-key-file", "is needed with cluster.tls-cert-file", member(a, null, null));
        refused("cluster.tls-ca-file", "is needed with cluster.tls-cert-file and cluster.tls-key-file",
                member(a, fleet.key("a"), null));
        refused("cluster.tls-cert-file", "is needed", member(null, fleet.key("a"), ca));
        refused("cluster.tls-ca-file", "needs cluster.listen", Map.of("cluster.tls-ca-file", ca.toString()));
        refused("cluster.tls-cert-file", "absolute path", member(Path.of("a.pem"), fleet.key("a"), ca));
        // files that are not what they should be
        refused("cluster.tls-ca-file", "is not a readable file", member(a, fleet.key("a"), dir.resolve("missing.pem")));
        refused("cluster.tls-cert-file", "holds no PEM certificate", member(fleet.key("a"), fleet.key("a"), ca));
        refused("cluster.tls-key-file", "is not the key of the certificate", member(a, stranger.key("x"), ca));
        refused("cluster.tls-cert-file", "was not issued by the CA", member(stranger.cert("x"), stranger.key("x"), ca));
        Path certAsKey = Files.copy(a, dir.resolve("cert-as.key"));
        Files.setPosixFilePermissions(certAsKey, PosixFilePermissions.fromString("rw-------"));
        refused("cluster.tls-key-file", "holds no RSA private key", member(a, certAsKey, ca));
        refused("cluster.tls-key-file", "RSA", member(a, ellipticKey(), ca));
        Path open = Files.copy(fleet.key("a"), dir.resolve("open.key"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        refused("cluster.tls-key-file", "readable by other users: chmod 600", member(a, open, ca));
    }

    /** An EC key in PKCS#8 PEM, 0600: the API's TLS takes it, Pekko's cluster transport does not. */
    private Path ellipticKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        Path file = dir.resolve("ec.key");
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder()
                .encodeToString(generator.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void withoutListenKukeondIsAloneAndItsActorSystemLocal() {
        DaemonConfig config = load(Map.of("cluster.node-name", "edge-1", "cluster.labels", "zone=a"));
        assertFalse(config.cluster().clustered());
        assertEquals("edge-1", config.cluster().nodeName());
        assertEquals(Map.of("zone", "a"), config.cluster().labels());
        assertEquals("local", config.pekko().getString("pekko.actor.provider"));
    }

    @Test
    void aMemberJoinsThroughItsSeedsWithTheSecretsDigest() throws Exception {
        Path secret = secret("s", "0123456789abcdef-fleet", "rw-------");
        DaemonConfig config = load(Map.of("cluster.listen", "127.0.0.1:25520", "cluster.seeds", "10.0.0.1:25520, n2:25520",
                "cluster.secret-file", secret.toString(), "cluster.cpu", "1.5", "cluster.memory", "1GiB"));
        ClusterSettings cluster = config.cluster();
        assertTrue(cluster.clustered());
        assertEquals(1500, cluster.capacity().cpuMillis());
        assertEquals(1L << 30, cluster.capacity().memoryBytes());
        assertEquals("cluster", config.pekko().getString("pekko.actor.provider"));
        assertEquals(List.of("pekko://kukeond@10.0.0.1:25520", "pekko://kukeond@n2:25520"),
                config.pekko().getStringList("pekko.cluster.seed-nodes"));
        String digest = config.pekko().getString("kukeon-fleet.secret-digest");
        assertEquals(64, digest.length());
        assertFalse(config.pekko().root().render().contains("0123456789abcdef-fleet"), "the secret itself is in no setting");
        Path other = secret("o", "0123456789abcdef-other", "rw-------");
        assertNotEquals(digest, load(Map.of("cluster.listen", "127.0.0.1:25520", "cluster.secret-file", other.toString()))
                .pekko().getString("kukeon-fleet.secret-digest"));
        // a link to the secret (as mounted secrets often are) is read through
        Path link = java.nio.file.Files.createSymbolicLink(dir.resolve("link"), secret);
        assertEquals(digest, load(Map.of("cluster.listen", "127.0.0.1:25520", "cluster.secret-file", link.toString()))
                .pekko().getString("kukeon-fleet.secret-digest"));
        // without seeds, a node starts a cluster of its own
        assertEquals(List.of("pekko://kukeond@127.0.0.1:25520"), load(Map.of("cluster.listen", "127.0.0.1:25520",
                "cluster.secret-file", secret.toString())).pekko().getStringList("pekko.cluster.seed-nodes"));
    }

    @Test
    void badSettingsAreRefusedByName() throws Exception {
        Path good = secret("s", "0123456789abcdef-fleet", "rw-------");
        refused("cluster.seeds", Map.of("cluster.seeds", "10.0.0.1:25520"));
        refused("cluster.secret-file", Map.of("cluster.listen", "127.0.0.1:25520"));
        refused("cluster.secret-file", Map.of("cluster.listen", "127.0.0.1:25520",
                "cluster.secret-file", secret("open", "0123456789abcdef-fleet", "rw-r--r--").toString()));
        refused("cluster.secret-file", Map.of("cluster.listen", "127.0.0.1:25520",
                "cluster.secret-file", secret("short", "tooshort", "rw-------").toString()));
        refused("cluster.listen", Map.of("cluster.listen", "127.0.0.1:0", "cluster.secret-file", good.toString()));
        refused("cluster.listen", Map.of("cluster.listen", "nowhere", "cluster.secret-file", good.toString()));
        refused("cluster.seeds", Map.of("cluster.listen", "127.0.0.1:25520", "cluster.seeds", "10.0.0.1",
                "cluster.secret-file", good.toString()));
        refused("cluster.node-name", Map.of("cluster.node-name", "Not_A_Name"));
        refused("cluster.labels", Map.of("cluster.labels", "zone"));
        refused("cluster.cpu", Map.of("cluster.cpu", "lots"));
        refused("cluster.cpu", Map.of("cluster.cpu", "0"));
        refused("cluster.memory", Map.of("cluster.memory", "much"));
    }

    @Test
    void beyondLoopbackTheFleetTalksOverTlsOrWhenToldInClearText() throws Exception {
        String secret = secret("s", "0123456789abcdef-fleet", "rw-------").toString();
        // 0.0.0.0 (every address of the host) is not loopback, and is always there to listen on
        refused("cluster.listen", "is not a loopback address", Map.of("cluster.listen", "0.0.0.0:25520",
                "cluster.secret-file", secret));
        io.kukeon.fleet.ClusterSettings insecure = load(Map.of("cluster.listen", "0.0.0.0:25520", "cluster.secret-file", secret,
                "cluster.insecure-listen", "true")).cluster();
        assertTrue(insecure.clustered());
        assertNull(insecure.tls());
        io.kukeon.fleet.ClusterSettings withTls = load(member(fleet.cert("a"), fleet.key("a"), fleet.caFile()).entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                        e -> e.getKey().equals("cluster.listen") ? "0.0.0.0:25520" : e.getValue()))).cluster();
        assertEquals(fleet.caFile(), withTls.tls().caFile());
    }
}
