package io.kukeon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kuke against a real loopback port where nothing listens. */
class ClosedPortTest {

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aDaemonCommandAgainstAClosedPortIsOneLineAndExitOne() throws Exception {
        int port = closedPort();
        KukeRun r = KukeRun.of(Map.of(), "get", "cells", "--host", "127.0.0.1:" + port);
        assertEquals(1, r.exit());
        assertEquals("cannot reach kukeond at 127.0.0.1:" + port + ": connection refused\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void theHostComesFromTheEnvironmentToo() throws Exception {
        int port = closedPort();
        KukeRun r = KukeRun.of(Map.of("KUKEON_HOST", "127.0.0.1:" + port), "version");
        assertEquals(1, r.exit());
        assertEquals("Client: kuke " + io.kukeon.build.BuildInfo.describe() + "\n", r.out());
        assertEquals("cannot reach kukeond at 127.0.0.1:" + port + ": connection refused\n", r.err());
    }

    @Test
    void theRealProcessPrintsNoStackTraceAndLoadsNothingOfPekkoOrScala(@TempDir Path dir) throws Exception {
        int port = closedPort();
        // a file that does not exist yet: the JVM would rotate an existing one to "<name>.0" and leave it
        Path classLog = dir.resolve("kuke-classes.log");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classLog, "-cp", classpath, Kuke.class.getName(),
                "--host", "127.0.0.1:" + port, "get", "cells"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kuke did not finish");
        String err = new String(p.getErrorStream().readAllBytes());
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.exitValue());
        assertEquals("cannot reach kukeond at 127.0.0.1:" + port + ": connection refused\n", err);
        assertEquals("", out);
        List<String> loaded = Files.readAllLines(classLog);
        assertTrue(loaded.stream().anyMatch(l -> l.contains("io.kukeon.cli.Kuke ")), "the class log is real");
        List<String> forbidden = loaded.stream()
                .filter(l -> l.contains(" org.apache.pekko.") || l.contains(" scala.") || l.contains(" ch.qos.logback."))
                .toList();
        assertEquals(List.of(), forbidden);
    }
}
