package io.kukeon.cli;

import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.GetRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A fresh kukeond in this JVM on fake runtime ports for each test, and kuke pointed at it. */
abstract class AgainstTestDaemon {
    @TempDir
    Path dataDir;
    @TempDir
    Path work;
    TestDaemon daemon;
    Map<String, String> env;

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = new TestDaemon(dataDir, daemonFlags());
        env = envFor(daemon);
    }

    /** kukeond's settings for these tests, beyond the test daemon's own. */
    Map<String, String> daemonFlags() {
        return Map.of();
    }

    @AfterEach
    void stopDaemon() {
        daemon.close();
    }

    static Map<String, String> envFor(TestDaemon d) {
        return Map.of("KUKEON_HOST", "127.0.0.1:" + d.port(), "KUKEON_TOKEN_FILE", d.dataDir.resolve("token").toString());
    }

    KukeRun kuke(String... args) {
        return KukeRun.of(env, args);
    }

    /** Runs kuke, which must succeed without a word on stderr. */
    KukeRun ok(String... args) {
        KukeRun r = kuke(args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + "\n" + r.out() + r.err());
        assertEquals("", r.err(), () -> String.join(" ", args));
        return r;
    }

    /** kuke in a thread of its own, for the commands that follow a stream. */
    BackgroundKuke background(String... args) {
        return new BackgroundKuke(env, args);
    }

    /**
     * The log file of a container of a cell in the default stack; the fake runtime writes none,
     * so the test writes what the container would have.
     */
    Path logOf(String cell, String container) throws Exception {
        for (ContainerStatus c : daemon.client().get(GetRequest.newBuilder().setKind("Cell")
                .setPath("default/default/default/" + cell).build()).getObject().getStatus().getContainersList()) {
            if (c.getName().equals(container)) {
                Path log = Path.of(c.getLogPath());
                Files.createDirectories(log.getParent());
                return log;
            }
        }
        throw new AssertionError("cell " + cell + " has no container " + container);
    }

    static String example(String name) {
        return Path.of(System.getProperty("kukeon.projectDir", "."), "examples", name).toString();
    }
}
