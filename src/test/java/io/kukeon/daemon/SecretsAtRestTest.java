package io.kukeon.daemon;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.kukeon.model.RegistryCredential;
import io.kukeon.secrets.SealingException;
import io.kukeon.network.CellNameFiles;
import io.kukeon.testing.ActorTestBed;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.HistoryRequest;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.StatusRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20, item 3: the journal held each realm's registry password in clear (31 copies after a few
 * updates) in a 0644 file of a 0755 directory, and container logs were 0644. Now the data dir is
 * root's only and the passwords are sealed, still reach the pulls after a restart, and appear in no
 * answer of the API and no line of the daemon's log.
 */
class SecretsAtRestTest {
    private static final String REGISTRY = "registry.example.com:5000";
    private static final String USER = "robot-user-7f3a";

    @TempDir
    Path work;

    @Test
    void registryPasswordsNeverRestInClearAndStillReachPullsAfterARestart() throws Exception {
        Path dataDir = work.resolve("data");
        String first = "first-Pa55word-c1e4r";
        String second = "second-Pa55word-9b2d";
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        List<String> answers = new ArrayList<>();
        try (TestDaemon daemon = TestDaemon.start(dataDir)) {
            KukeonGrpc.KukeonBlockingStub api = daemon.client();
            for (int update = 0; update < 6; update++) {
                answers.add(apply(api, realm(first, "team-" + update)).toString());
            }
            for (int update = 0; update < 6; update++) {
                answers.add(apply(api, realm(second, "group-" + update)).toString());
            }
            apply(api, stackAndCell("web", REGISTRY + "/app:1"));
            awaitPull(daemon, REGISTRY + "/app:1", second);

            daemon.restart();
            api = daemon.client();
            apply(api, stackAndCell("api", REGISTRY + "/api:1"));
            awaitPull(daemon, REGISTRY + "/api:1", second);
            answers.add(apply(api, realm(second, "after-restart")).toString());
            answers.add(api.get(GetRequest.newBuilder().setKind("Realm").setPath("r").build()).toString());
            answers.add(api.list(ListRequest.newBuilder().setKind("Realm").build()).toString());
            answers.add(api.history(HistoryRequest.newBuilder().setKind("Realm").setPath("r").build()).toString());
            answers.add(api.status(StatusRequest.getDefaultInstance()).toString());
        } finally {
            root.detachAppender(log);
        }
        for (String said : answers) {
            assertFalse(said.contains(first) || said.contains(second), "a password in an answer of the API: " + said);
        }
        for (ILoggingEvent line : log.list) {
            String text = line.getFormattedMessage() + (line.getThrowableProxy() == null ? ""
                    : ThrowableProxyUtil.asString(line.getThrowableProxy()));
            assertFalse(text.contains(first) || text.contains(second), "a password in the daemon's log: " + text);
        }
        assertTrue(answers.get(answers.size() - 2).contains("updated to generation"), "the history was read");

        List<Path> files = everything(dataDir);
        assertTrue(files.stream().anyMatch(f -> f.toString().endsWith(".mv.db")), "the journal is among " + files);
        assertTrue(files.stream().anyMatch(f -> Files.isRegularFile(f) && contains(f, USER)),
                "the scan reads the journal's bytes: the user name is there");
        for (Path f : files) {
            if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                assertFalse(contains(f, first), "the first password in clear in " + f);
                assertFalse(contains(f, second), "the second password in clear in " + f);
            }
        }
        assertRootOnly(files);
    }

    @Test
    void whatAnOlderKukeondLeftReadableIsTightenedAtStartUp() throws Exception {
        Path dataDir = work.resolve("data");
        Path outside = Files.writeString(work.resolve("shared.txt"), "someone else's\n");
        chmod(outside, "rw-r--r--");
        try (TestDaemon daemon = TestDaemon.start(dataDir)) {
            apply(daemon.client(), realm("pw", "a"));
        }
        Path log = Files.writeString(Files.createDirectories(dataDir.resolve("logs/r/s/t/c/app")).resolve("current.log"), "out\n");
        Files.createSymbolicLink(dataDir.resolve("logs/shared-link"), outside);
        List<Path> files = everything(dataDir);
        for (Path f : files) {
            if (!Files.isSymbolicLink(f)) {
                chmod(f, Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--");
            }
        }
        assertEquals("rw-r--r--", mode(log));

        try (TestDaemon daemon = TestDaemon.start(dataDir)) {
            assertRootOnly(everything(dataDir));
            assertEquals("rw-r--r--", mode(outside), "a link's target outside the data dir is left as it is");
        }
    }

    @Test
    void aMissingOrDifferentKeyStopsTheStartWithOneLine() throws Exception {
        Path dataDir = work.resolve("data");
        try (TestDaemon daemon = TestDaemon.start(dataDir)) {
            apply(daemon.client(), realm("pw", "a"));
        }
        Path key = dataDir.resolve("keys/journal.key");
        byte[] original = Files.readAllBytes(key);
        Files.delete(key);
        SealingException missing = assertThrows(SealingException.class, () -> TestDaemon.start(dataDir));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        assertFalse(Files.exists(key), "no new key replaces the lost one");

        Files.write(key, new byte[32]);
        chmod(key, "rw-------");
        SealingException different = assertThrows(SealingException.class, () -> TestDaemon.start(dataDir));
        assertTrue(different.getMessage().contains("holds key"), different.getMessage());
        for (String line : List.of(missing.getMessage(), different.getMessage())) {
            assertFalse(line.contains("\n"), line);
            assertTrue(line.contains(key.toString()), line);
        }

        Files.write(key, original);
        try (TestDaemon daemon = TestDaemon.start(dataDir)) {
            assertEquals("unchanged", apply(daemon.client(), realm("pw", "a")).getOutcome(), "the restored key opens the journal");
        }
    }

    // ---- manifests ----

    private static String realm(String password, String owner) {
        return "apiVersion: v1beta1\nkind: Realm\nmetadata:\n  name: r\n  labels: {owner: " + owner + "}\nspec:\n"
                + "  registryCredentials:\n    - username: " + USER + "\n      password: \"" + password + "\"\n"
                + "      serverAddress: " + REGISTRY + "\n";
    }

    private static String stackAndCell(String cell, String image) {
        return """
                apiVersion: v1beta1
                kind: Space
                metadata: {name: s}
                spec: {realmId: r}
                ---
                apiVersion: v1beta1
                kind: Stack
                metadata: {name: t}
                spec: {realmId: r, spaceId: s}
                ---
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: %s}
                spec:
                  realmId: r
                  spaceId: s
                  stackId: t
                  containers:
                    - id: app
                      image: %s
                """.formatted(cell, image);
    }

    private static ApplyResult apply(KukeonGrpc.KukeonBlockingStub api, String yaml) {
        List<ApplyResult> results = api.apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build())
                .getResultsList();
        for (ApplyResult r : results) {
            assertFalse(r.getOutcome().equals("failed"), r.getErrorKind() + ": " + r.getError());
        }
        return results.get(0);
    }

    private static void awaitPull(TestDaemon daemon, String image, String password) {
        List<RegistryCredential> expected = List.of(new RegistryCredential(USER, password, REGISTRY));
        ActorTestBed.await(image + " pulled with the realm's login", () -> expected.equals(daemon.runtime.pullLogins(image)));
    }

    // ---- the data dir ----

    private static List<Path> everything(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return new ArrayList<>(walk.toList());
        }
    }

    /** Root's only, but a cell's /etc/hostname, hosts and resolv.conf, which its containers' users read (0644, no secret). */
    private static void assertRootOnly(List<Path> files) throws IOException {
        for (Path f : files) {
            if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                assertEquals("rwx------", mode(f), f.toString());
            } else if (CellNameFiles.isNameFile(f)) {
                assertEquals("rw-r--r--", mode(f), f.toString());
            } else if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                assertEquals("rw-------", mode(f), f.toString());
            }
        }
    }

    private static boolean contains(Path file, String text) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static void chmod(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }
}
