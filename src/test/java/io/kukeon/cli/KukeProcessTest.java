package io.kukeon.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/kuke as a user runs it, in a process of its own, against a kukeond in this JVM: what only
 * a real process shows (the locale's say over arguments and output, a bounded heap).
 */
class KukeProcessTest extends AgainstTestDaemon {
    private static final String RULE = " " + io.kukeon.model.Names.RULE + "\n";
    private Path home;

    /** An installation of kuke whose jar is this build's classpath. */
    @BeforeEach
    void install() throws IOException {
        home = KukeHome.create(work.resolve("home"));
    }

    @Test
    void aNameIsQuotedAsGivenWhateverTheLocale() throws Exception {
        ok("init");
        for (String locale : List.of("C.UTF-8", "C", "POSIX", "")) {
            for (String realm : List.of("caf\u00e9", "sec-%61bc", "\u65e5\u672c-%C3%A9")) {
                Result r = run(Map.of("LC_ALL", locale, "LANG", locale), "get", "cells", "--realm", realm);
                assertEquals(1, r.exit, locale + " " + realm);
                assertEquals("--realm: \"" + realm + "\"" + RULE, r.err, "LC_ALL=" + locale);
            }
        }
    }

    /** The default way in: bin/kuke loads Netty's epoll library, which unix sockets need. */
    @Test
    void kukeReachesKukeondOnItsSocketWithoutAToken() throws Exception {
        Result r = run(Map.of("KUKEON_HOST", "unix:" + daemon.socket(), "KUKEON_TOKEN_FILE", "/nonexistent/token"), "init");
        assertEquals(0, r.exit, r.err);
        assertEquals("", r.err);
        assertEquals(1, daemon.client().list(io.kukeon.wire.v1.ListRequest.newBuilder().setKind("Realm").build())
                .getObjectsCount(), "realm default created");
    }

    @Test
    void aManifestThatNeverEndsIsRefusedInBoundedMemory() throws Exception {
        Map<String, String> smallHeap = Map.of("JAVA_TOOL_OPTIONS", "-Xmx24m");
        Result zero = run(smallHeap, "apply", "-f", "/dev/zero");
        assertEquals(1, zero.exit, zero.err);
        assertEquals("/dev/zero is over 1048576 bytes; a manifest is at most 1048576\n", zero.err);

        Path fifo = work.resolve("manifest.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                byte[] line = "# a comment line that never ends\n".getBytes(StandardCharsets.UTF_8);
                while (true) {
                    out.write(line);
                }
            } catch (IOException closedByKuke) {
                // kuke stopped reading: what this test wants
            }
        });
        writer.start();
        Result endless = run(smallHeap, "delete", "-f", fifo.toString());
        assertEquals(1, endless.exit, endless.err);
        assertEquals(fifo + " is over 1048576 bytes; a manifest is at most 1048576\n", endless.err);
        writer.join(10_000);
        assertTrue(!writer.isAlive(), "the writer saw kuke close the fifo");
        assertTrue(daemon.client().list(io.kukeon.wire.v1.ListRequest.newBuilder().setKind("Realm").build())
                .getObjectsList().isEmpty(), "nothing reached kukeond");
    }

    private record Result(int exit, String err) {}

    private Result run(Map<String, String> extraEnv, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(KukeHome.kuke().toString()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(work, "kuke", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.startsWith("KUKEON_")
                || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(env);
        builder.environment().putAll(Map.of("KUKEON_HOME", home.toString(), "KUKEON_CDS", "off"));
        builder.environment().putAll(extraEnv);
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kuke " + String.join(" ", args) + " finished");
        // the JVM announces JAVA_TOOL_OPTIONS on stderr; that line is not kuke's
        String text = new String(Files.readAllBytes(err), StandardCharsets.UTF_8).replaceAll("(?m)^Picked up JAVA_TOOL_OPTIONS: .*\n", "");
        return new Result(process.exitValue(), text);
    }
}
