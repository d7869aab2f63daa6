package io.kukeon.daemon.journalport;

import com.google.protobuf.ByteString;
import io.kukeon.daemon.Kukeond;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.FakeRuntime;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.KukeonGrpc;
import io.kukeon.wire.v1.LifecycleRequest;
import io.kukeon.wire.v1.ListRequest;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A journal made by a daemon on the fake runtime, for the export and import tests: a realm with a
 * registry credential (sealed with the data dir's key), a space, a stack and three cells, one of
 * them stopped, snapshots every 3 events, and a restart (a recovery, its DaemonStarted). The fake
 * runtime's state stays in the work dir, so that a daemon on the same journal elsewhere finds the
 * same containers.
 */
final class SampleJournal {
    private SampleJournal() {}

    static final String RUNTIME_STATE = "fake-runtime.tsv";
    private static final List<String> KINDS = List.of("Realm", "Space", "Stack", "Cell", "Container");

    private static final String MANIFEST = """
            apiVersion: v1beta1
            kind: Realm
            metadata:
              name: main
            spec:
              registryCredentials:
                - username: robot
                  password: sample-password
                  serverAddress: registry.example.com
            ---
            apiVersion: v1beta1
            kind: Space
            metadata:
              name: apps
            spec:
              realmId: main
            ---
            apiVersion: v1beta1
            kind: Stack
            metadata:
              name: web
            spec:
              realmId: main
              spaceId: apps
            """ + cell("one") + cell("two") + cell("three");

    private static String cell(String name) {
        return """
                ---
                apiVersion: v1beta1
                kind: Cell
                metadata:
                  name: %s
                spec:
                  realmId: main
                  spaceId: apps
                  stackId: web
                  containers:
                    - id: app
                      image: busybox
                      args: ["sleep"]
                    - id: side
                      image: busybox
                      args: ["sleep"]
                """.formatted(name);
    }

    /** Makes the journal in {@code work}/data on the store {@code flags} name; what its objects were when the daemon stopped. */
    static List<String> make(Path work, Map<String, String> flags) throws Exception {
        Path config = Files.writeString(work.resolve("kukeond.conf"), "kukeon.snapshot-every = 3\n");
        try (TestDaemon daemon = TestDaemon.withConfig(work.resolve("data"), new FakeRuntime(work.resolve(RUNTIME_STATE)),
                config, flags)) {
            for (ApplyResult r : daemon.client().apply(ApplyRequest.newBuilder()
                    .setManifest(ByteString.copyFrom(MANIFEST, StandardCharsets.UTF_8)).build()).getResultsList()) {
                if (r.getOutcome().equals("failed")) {
                    throw new IllegalStateException(r.getKind() + " " + r.getPath() + ": " + r.getError());
                }
            }
            awaitCells(daemon, "Ready", "Ready", "Ready");
            daemon.client().stop(LifecycleRequest.newBuilder().setKind("Cell").setPath("main/apps/web/two").build());
            awaitCells(daemon, "Ready", "Stopped", "Ready");
            daemon.restart();
            awaitCells(daemon, "Ready", "Stopped", "Ready");
            return objects(daemon.client());
        }
    }

    /** A daemon on a journal moved to {@code dataDir} (the key copied there), on the sample's containers. */
    static TestDaemon daemonOn(Path work, Path dataDir, Map<String, String> flags) throws IOException {
        return TestDaemon.withConfig(dataDir, new FakeRuntime(work.resolve(RUNTIME_STATE)), work.resolve("kukeond.conf"), flags);
    }

    /** Waits until a daemon on a moved journal shows {@code expected}. */
    static void awaitObjects(TestDaemon daemon, List<String> expected) throws Exception {
        Eventually.value("the objects " + expected, Duration.ofSeconds(30), () -> {
            List<String> now = objects(daemon.client());
            return now.equals(expected) ? now : null;
        });
    }

    private static void awaitCells(TestDaemon daemon, String one, String two, String three) throws Exception {
        List<String> wanted = List.of("Cell main/apps/web/one " + one, "Cell main/apps/web/three " + three,
                "Cell main/apps/web/two " + two);
        Eventually.value("cells " + wanted, Duration.ofSeconds(30), () -> objects(daemon.client()).containsAll(wanted) ? wanted : null);
    }

    /** Every object as "Kind path state", by kind and path. */
    static List<String> objects(KukeonGrpc.KukeonBlockingStub api) {
        List<String> out = new ArrayList<>();
        for (String kind : KINDS) {
            api.list(ListRequest.newBuilder().setKind(kind).build()).getObjectsList().stream()
                    .map(o -> kind + " " + o.getPath() + " " + o.getStatus().getState()).sorted().forEach(out::add);
        }
        return out;
    }

    /** Copies the sealing key of {@code from}'s data dir into {@code to}'s, as an operator moving a journal does. */
    static void copyKey(Path fromDataDir, Path toDataDir) throws IOException {
        Path key = Files.createDirectories(toDataDir.resolve("keys")).resolve("journal.key");
        Files.copy(fromDataDir.resolve("keys").resolve("journal.key"), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }

    /** A run of kukeond's command line in this JVM. */
    record Run(int exit, String out, String err) {}

    static Run kukeond(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Kukeond.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** The snapshot and event lines of an export: what must be the same wherever the journal went. */
    static List<String> records(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return lines.subList(1, lines.size() - 1);
    }
}
