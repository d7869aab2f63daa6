package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.kukeon.testing.RealComponents;
import io.kukeon.testing.RealDaemon;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20, item 3, against the real containerd and the htpasswd-protected test registry: a
 * realm's login, sealed in the journal, still pulls after a restart, and a container's log, which
 * the shim's logger creates, is root's only.
 */
@Tag("containerd")
class SealedLoginRealTest {
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
    void aSealedLoginPullsAfterARestartAndTheContainersLogIsRootOnly() throws Exception {
        String registry = RealComponents.registry();
        String image = registry + "/library/busybox:latest";
        host = new RealDaemon(dataDir);
        for (int update = 0; update < 5; update++) {
            apply("kind: Realm\nmetadata: {name: r, labels: {v: \"" + update + "\"}}\nspec:\n  registryCredentials:\n"
                    + "    - username: " + RealComponents.registryUser() + "\n      password: \""
                    + RealComponents.registryPassword() + "\"\n      serverAddress: " + registry + "\n");
        }
        apply("kind: Space\nmetadata: {name: s}\nspec: {realmId: r}\n---\n"
                + "kind: Stack\nmetadata: {name: t}\nspec: {realmId: r, spaceId: s}\n");
        host.loadBusybox("r");   // the pause root's image: there is no Docker Hub here
        assertReady(apply(cell("first", image)));

        Path log = dataDir.resolve("logs/r/s/t/first/app/current.log");
        awaitLog(log, "hello-log");
        assertEquals("rw-------", mode(log), "the shim's logger creates the log 0600");
        for (Path dir = log.getParent(); !dir.equals(dataDir.getParent()); dir = dir.getParent()) {
            assertEquals("rwx------", mode(dir), dir.toString());
        }

        host.stop();
        host.start();
        removeImage(image);
        assertReady(apply(cell("second", image)));   // pulled again, with the login read back from the journal
    }

    private List<ApplyResult> apply(String yaml) throws Exception {
        return host.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build())
                .getResultsList();
    }

    private static String cell(String name, String image) {
        return "kind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: r\n  spaceId: s\n  stackId: t\n"
                + "  containers:\n    - id: app\n      image: " + image + "\n      command: /bin/sh\n"
                + "      args: ['-c', 'echo hello-log; sleep 3600']\n";
    }

    private static void assertReady(List<ApplyResult> results) {
        ApplyResult r = results.get(0);
        assertEquals("created", r.getOutcome(), r.toString());
        assertEquals("Ready", r.getObject().getStatus().getState(), r.toString());
    }

    /** The image record gone from the realm's namespace, so that the next cell pulls it. */
    private void removeImage(String image) throws Exception {
        Process ctr = new ProcessBuilder("ctr", "--address", host.socket.toString(), "-n", host.namespace("r"),
                "images", "rm", image).redirectErrorStream(true).start();
        String out = new String(ctr.getInputStream().readAllBytes());
        assertEquals(0, ctr.waitFor(), "ctr images rm: " + out);
    }

    private static void awaitLog(Path log, String text) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!(Files.exists(log) && Files.readString(log).contains(text))) {
            assertTrue(Instant.now().isBefore(deadline), "no \"" + text + "\" in " + log);
            Thread.sleep(50);
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }
}
