package io.kukeon.daemon;

import io.kukeon.fleet.ClusterSettings;
import io.kukeon.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> load(flags));
        assertTrue(e.getMessage().contains(key), e.getMessage());
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
}
