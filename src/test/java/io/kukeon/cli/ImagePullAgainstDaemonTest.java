package io.kukeon.cli;

import io.kukeon.model.RegistryCredential;
import io.kukeon.testing.Eventually;
import io.kukeon.wire.v1.GetRequest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kuke image pull} and {@code kuke create registry-credential} against a kukeond on fake
 * runtime ports, which records what each pull was given (issue 16, Images). One pull slot per
 * registry host and a queue of one, so that a second pull waits and a third is refused.
 */
class ImagePullAgainstDaemonTest extends AgainstTestDaemon {
    private static final String REGISTRY = "registry.example:5000";
    private static final String SLOW = REGISTRY + "/slow:1";
    private static final String OTHER = REGISTRY + "/other:1";

    @Override
    Map<String, String> daemonFlags() {
        return Map.of("registry.pulls-per-host", "1", "registry.pull-queue-length", "1");
    }

    @Test
    void aPullOnATerminalShowsItsProgressThenOneLine() throws Exception {
        ok("init");
        daemon.runtime.holdPull(SLOW);
        BackgroundKuke pull = new BackgroundKuke(env, true, "image", "pull", SLOW);
        pull.awaitErr("pulling " + SLOW + ": 1.0 MiB of 3.0 MiB");
        daemon.runtime.releasePull(SLOW);
        assertEquals(0, pull.join(), pull.err());
        assertEquals("Pulled " + SLOW + " (sha256:fake, 1 B) into realm \"default\"\n", pull.out());
        assertTrue(pull.err().endsWith("\r\033[K"), "the progress line is cleared: " + pull.err());
        assertEquals(List.of(), daemon.runtime.pullLogins(SLOW), "realm default has no logins");
    }

    @Test
    void quietPrintsTheDigestOnlyAndAPipedPullNoProgress() throws Exception {
        ok("init");
        assertEquals("sha256:fake\n", ok("image", "pull", "-q", "busybox").out());
        assertEquals(List.of(), daemon.runtime.pullLogins("docker.io/library/busybox:latest"), "pulled normalized");
        assertEquals("Pulled docker.io/library/busybox:latest (sha256:fake, 1 B) into realm \"default\"\n",
                ok("image", "pull", "busybox").out());
    }

    @Test
    void badInputFailsWithOneLineNamingIt() throws Exception {
        ok("init");
        assertFailure("realm \"nope\" not found", "image", "pull", "busybox", "--realm", "nope");
        assertFailure("image: \"Busybox\" has an upper-case repository name", "image", "pull", "Busybox");
        daemon.runtime.unknownImage(OTHER);
        assertFailure("image \"" + OTHER + "\" not found", "image", "pull", OTHER);
    }

    @Test
    void aPullThatWaitsForASlotSaysSoAndGivesUpItsPlaceWhenKukeIsStopped() throws Exception {
        ok("init");
        daemon.runtime.holdPull(SLOW);
        BackgroundKuke first = new BackgroundKuke(env, true, "image", "pull", SLOW);
        first.awaitErr("pulling " + SLOW + ": 1.0 MiB of 3.0 MiB");
        BackgroundKuke waiting = new BackgroundKuke(env, true, "image", "pull", OTHER);
        waiting.awaitErr("pulling " + OTHER + ": waiting for one of 1 pull slots of registry " + REGISTRY + " (0 ahead)");
        assertTrue(queueRefuses(), "the slot is taken and the queue of one is full");
        waiting.stop();
        assertEquals("", waiting.out());
        // its place in the queue is free again: another pull waits instead of being refused
        Eventually.value("the stopped pull left the queue", Duration.ofSeconds(10), () -> queueRefuses() ? null : true);
        daemon.runtime.releasePull(SLOW);
        assertEquals(0, first.join(), first.err());
        assertNull(daemon.runtime.pullLogins(OTHER), "the stopped pull never ran");
    }

    /** Whether a pull now is refused at once because the slot is taken and the queue is full. */
    private boolean queueRefuses() throws Exception {
        BackgroundKuke probe = new BackgroundKuke(env, true, "image", "pull", REGISTRY + "/probe:1");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!probe.err().contains("waiting for one of") && !probe.err().contains("is busy") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        boolean refused = probe.err().contains("is busy");
        probe.stop();
        return refused;
    }

    @Test
    void aRegistryCredentialIsUpsertedByServerAndTheOthersKeepTheirPasswords() throws Exception {
        Path realm = work.resolve("realm.yaml");
        Files.writeString(realm, """
                apiVersion: v1beta1
                kind: Realm
                metadata: {name: r}
                spec:
                  registryCredentials:
                  - {username: a, password: pass-a, serverAddress: a.example}
                  - {username: d, password: pass-d}
                """);
        ok("apply", "-f", realm.toString());
        RegistryCredential a = new RegistryCredential("a", "pass-a", "a.example");
        RegistryCredential d = new RegistryCredential("d", "pass-d", "");

        assertEquals("registry credential \"" + REGISTRY + "\": created in realm \"r\"\n",
                regcred("pass-1\n", "r", "--username", "ci", "--password-stdin", "--server", REGISTRY).out());
        ok("image", "pull", OTHER, "--realm", "r");
        assertEquals(List.of(a, d, new RegistryCredential("ci", "pass-1", REGISTRY)), daemon.runtime.pullLogins(OTHER));

        assertEquals("registry credential \"" + REGISTRY + "\": updated in realm \"r\"\n",
                regcred("pass-2", "r", "-u", "ci2", "--password-stdin", "-s", REGISTRY).out());
        assertEquals("registry credential \"" + REGISTRY + "\": unchanged in realm \"r\"\n",
                regcred("pass-2\r\n", "r", "-u", "ci2", "--password-stdin", "-s", REGISTRY).out());
        assertEquals("registry credential (default): updated in realm \"r\"\n",
                regcred("pass-d2", "r", "-u", "d2", "--password-stdin").out());
        List<RegistryCredential> now = List.of(a, new RegistryCredential("d2", "pass-d2", ""),
                new RegistryCredential("ci2", "pass-2", REGISTRY));
        ok("image", "pull", OTHER, "--realm", "r");
        assertEquals(now, daemon.runtime.pullLogins(OTHER), "replaced in place, not added");

        // what get answers, applied back, keeps every stored password
        String got = ok("get", "realm", "r", "-o", "yaml").out();
        assertFalse(got.contains("pass-"), got);
        assertTrue(got.contains(RegistryCredential.REDACTED), got);
        Files.writeString(realm, got);
        ok("apply", "-f", realm.toString());
        ok("image", "pull", OTHER, "--realm", "r");
        assertEquals(now, daemon.runtime.pullLogins(OTHER));
    }

    @Test
    void aRegistryCredentialWithoutAPasswordOnStdinOrForAMissingRealmChangesNothing() throws Exception {
        ok("init");
        long generation = generation();
        KukeRun empty = regcred("", "default", "-u", "ci", "--password-stdin");
        assertEquals(1, empty.exit());
        assertTrue(empty.err().startsWith("--password-stdin: stdin held no password"), empty.err());
        assertEquals(2, regcred("secret", "default", "-u", "ci").exit(), "--password-stdin is required");
        KukeRun badServer = regcred("secret", "default", "-u", "ci", "--password-stdin", "-s", "https://x/y");
        assertEquals(1, badServer.exit());
        assertTrue(badServer.err().startsWith("credential.serverAddress: must be a registry host"), badServer.err());
        KukeRun missing = regcred("secret", "nope", "-u", "ci", "--password-stdin");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("realm \"nope\" not found"), missing.err());
        assertFalse(missing.err().contains("secret") || empty.err().contains("secret"));
        assertEquals(generation, generation(), "realm default is as it was");
    }

    private long generation() throws Exception {
        return daemon.client().get(GetRequest.newBuilder().setKind("Realm").setPath("default").build())
                .getObject().getMetadata().getGeneration();
    }

    private KukeRun regcred(String stdin, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "create";
        all[1] = "registry-credential";
        System.arraycopy(args, 0, all, 2, args.length);
        return KukeRun.of(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), all);
    }

    private void assertFailure(String line, String... args) {
        KukeRun r = kuke(args);
        assertEquals(1, r.exit(), r.out() + r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains(line) && r.err().lines().count() == 1, r.err());
    }
}
