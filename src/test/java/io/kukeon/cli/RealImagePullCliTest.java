package io.kukeon.cli;

import io.kukeon.testing.RealComponents;
import io.kukeon.testing.RealDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16 (Images), against the real containerd and the htpasswd-protected test registry: kuke
 * pulls a private image into a realm once the realm has a login for the registry, made with
 * {@code kuke create registry-credential}; without one the registry's refusal is kuke's one line.
 */
@Tag("containerd")
@Tag("registry")
class RealImagePullCliTest {
    @TempDir
    Path dataDir;
    RealDaemon host;

    @AfterEach
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aPrivateImageIsRefusedWithoutALoginAndPulledWithTheOneCreated() throws Exception {
        String registry = RealComponents.registry();
        String image = registry + "/library/busybox:latest";
        host = new RealDaemon(dataDir);
        Map<String, String> env = Map.of("KUKEON_HOST", "127.0.0.1:" + host.daemon().port(),
                "KUKEON_TOKEN_FILE", host.dataDir.resolve("token").toString());
        ok(KukeRun.of(env, "create", "realm", "r"));

        KukeRun refused = KukeRun.of(env, "image", "pull", image, "--realm", "r");
        assertEquals(1, refused.exit(), refused.out() + refused.err());
        assertTrue(refused.err().startsWith("unauthorized: registry " + registry), refused.err());
        assertEquals(1, refused.err().lines().count(), refused.err());

        String password = RealComponents.registryPassword();
        KukeRun created = KukeRun.of(env, new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)),
                "create", "registry-credential", "r", "--username", RealComponents.registryUser(), "--password-stdin",
                "--server", registry);
        ok(created);
        assertEquals("registry credential \"" + registry + "\": created in realm \"r\"\n", created.out());
        String realm = ok(KukeRun.of(env, "get", "realm", "r", "-o", "yaml")).out();
        assertTrue(realm.contains("<redacted>"), realm);
        assertFalse(realm.matches("(?s).*password: ['\"]?" + Pattern.quote(password) + ".*"), realm);

        KukeRun pulled = ok(KukeRun.of(env, "image", "pull", image, "--realm", "r"));
        assertTrue(pulled.out().matches("Pulled " + image.replace(".", "\\.") + " \\(sha256:[0-9a-f]{12}, [0-9.]+ [KM]iB\\)"
                + " into realm \"r\"\n"), pulled.out());
        String digest = ok(KukeRun.of(env, "image", "pull", "-q", image, "--realm", "r")).out().trim();
        assertTrue(digest.matches("sha256:[0-9a-f]{64}"), digest);
        String listed = ok(KukeRun.of(env, "image", "ls", "--realm", "r", "-o", "json")).out();
        assertTrue(listed.matches("(?s).*\"name\"\\s*:\\s*\"" + Pattern.quote(image) + "\".*"), listed);
        assertTrue(listed.contains(digest), "the realm holds the image pulled, under the digest -q prints: " + listed);
        assertTrue(host.containerd.listImages(host.namespace("r")).stream().anyMatch(i -> i.name().equals(image)),
                "containerd has it in the realm's namespace");
    }

    private static KukeRun ok(KukeRun r) {
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("", r.err());
        return r;
    }
}
