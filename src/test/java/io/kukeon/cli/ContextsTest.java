package io.kukeon.cli;

import io.kukeon.testing.TestDaemon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kuke config: named daemons, one current; a flag or a variable still wins over the context. */
class ContextsTest {
    @TempDir
    Path dataDir;
    @TempDir
    Path home;

    @Test
    void theCurrentContextSaysWhichDaemonKukeTalksTo() throws Exception {
        try (TestDaemon daemon = new TestDaemon(dataDir, Map.of())) {
            Path config = home.resolve("kuke/config");
            Map<String, String> env = Map.of("KUKE_CONFIG", config.toString());

            assertEquals("Added context lab.\n", run(env, 0, "config", "set-context", "lab", "--host", "127.0.0.1:" + daemon.port(),
                    "--token-file", dataDir.resolve("token").toString()).out());
            run(env, 0, "config", "set-context", "nowhere", "--host", "127.0.0.1:1");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
            assertEquals("Switched to context lab.\n", run(env, 0, "config", "use-context", "lab").out());

            assertEquals("lab\n", run(env, 0, "config", "current-context").out());
            String[] table = run(env, 0, "config", "get-contexts").out().split("\n");
            assertTrue(table[0].matches("CURRENT +NAME +HOST +TLS"), table[0]);
            assertTrue(table[1].matches("\\* +lab +127\\.0\\.0\\.1:" + daemon.port() + " +no"), table[1]);
            assertTrue(table[2].matches(" +nowhere +127\\.0\\.0\\.1:1 +no"), table[2]);

            // the current context's daemon answers; another context for one call; a flag beats both
            run(env, 0, "create", "realm", "viacontext");
            assertTrue(run(env, 0, "get", "realms").out().contains("viacontext"));
            assertTrue(run(env, 1, "get", "realms", "--context", "nowhere").err().contains("cannot reach kukeond at 127.0.0.1:1"));
            assertTrue(run(env, 1, "--host", "127.0.0.1:1", "get", "realms").err().contains("127.0.0.1:1"));
            assertEquals("--context: no context \"gone\" (kuke config get-contexts lists them)\n",
                    run(env, 1, "get", "realms", "--context", "gone").err());

            assertEquals("Changed context lab.\n", run(env, 0, "config", "set-context", "lab", "--ca-file", "ca.pem").out());
            assertTrue(Files.readString(config).contains("ca-file: " + Path.of("ca.pem").toAbsolutePath()), Files.readString(config));
            run(env, 0, "config", "delete-context", "lab");
            assertEquals("no current context (kuke config use-context NAME)\n", run(env, 1, "config", "current-context").err());
            assertEquals("no context \"lab\" (kuke config get-contexts lists them)\n", run(env, 1, "config", "use-context", "lab").err());
        }
    }

    private static KukeRun run(Map<String, String> env, int exit, String... args) {
        KukeRun r = KukeRun.of(env, args);
        assertEquals(exit, r.exit(), () -> String.join(" ", args) + "\n" + r.out() + r.err());
        return r;
    }
}
