package io.kukeon.cli;

import io.kukeon.testing.TestDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kuke on kukeond's unix socket: no token file needed; a socket that is not there is said so in one line. */
class KukeOverSocketTest {
    @TempDir
    Path dataDir;
    TestDaemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void kukeWorksOnTheSocketWithoutAToken() throws Exception {
        daemon = new TestDaemon(dataDir, Map.of("listen", ""));
        Map<String, String> env = Map.of("KUKEON_HOST", "unix:" + daemon.socket(), "KUKEON_TOKEN_FILE", "/nonexistent/token");
        KukeRun init = KukeRun.of(env, "init");
        assertEquals(0, init.exit(), init.err());
        KukeRun realms = KukeRun.of(env, "get", "realms");
        assertEquals(0, realms.exit(), realms.err());
        assertTrue(realms.out().contains("default"), realms.out());
    }

    @Test
    void aSocketThatIsNotThereIsOneLine() {
        Path missing = dataDir.resolve("nobody.sock");
        KukeRun r = KukeRun.of(Map.of("KUKEON_HOST", "unix:" + missing), "version");
        assertEquals("cannot reach kukeond at unix:" + missing + ": no such socket (is kukeond running?)\n", r.err());
    }
}
