package io.kukeon.cli;

import io.kukeon.api.v1.GetRequest;
import io.kukeon.testing.TestDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kuke against a kukeond running in this JVM on fake runtime ports: each command, its output and exit code. */
class KukeAgainstDaemonTest {
    @TempDir
    Path dataDir;
    @TempDir
    Path work;
    TestDaemon daemon;
    Map<String, String> env;

    @BeforeEach
    void start() throws Exception {
        daemon = TestDaemon.start(dataDir);
        env = Map.of("KUKEON_HOST", "127.0.0.1:" + daemon.port(), "KUKEON_TOKEN_FILE", dataDir.resolve("token").toString());
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    private KukeRun kuke(String... args) {
        return KukeRun.of(env, args);
    }

    private KukeRun ok(String... args) {
        KukeRun r = kuke(args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + "\n" + r.out() + r.err());
        assertEquals("", r.err());
        return r;
    }

    private static String example(String name) {
        return Path.of(System.getProperty("kukeon.projectDir", "."), "examples", name).toString();
    }

    @Test
    void initCreatesTheDefaultTreeAndASecondRunFindsItThere() {
        assertEquals("realm \"default\": created\nspace \"default\": created\nstack \"default\": created\n", ok("init").out());
        assertEquals("realm \"default\": already existed\nspace \"default\": already existed\n"
                + "stack \"default\": already existed\n", ok("init").out());
        assertEquals("No cells found in stack \"default\".\n", ok("get", "cells").out());
        assertTrue(ok("get", "realms").out().matches("NAME {6}STATE {3}AGE\ndefault {3}Ready {3}\\d+s\n"), ok("get", "realms").out());
    }

    @Test
    void applyCreatesThenFindsEverythingUnchanged() {
        assertEquals("Cell \"hello-world\": created\n", ok("apply", "-f", example("hello-world.yaml")).out());
        assertEquals("Cell \"hello-world\": unchanged\n", ok("apply", "-f", example("hello-world.yaml")).out());
        String table = ok("get", "cells").out();
        assertTrue(table.startsWith("NAME          REALM     SPACE     STACK     STATE   AGE\nhello-world   default   default   default   Ready "),
                table);
        String containers = ok("get", "containers", "--cell", "hello-world").out();
        assertEquals(4, containers.lines().count(), "header, fetch, root, web:\n" + containers);
    }

    @Test
    void applySortsByKindAndAFailedDocumentFailsOnlyItself() throws Exception {
        assertEquals("Realm \"demo\": created\nSpace \"shop\": created\nStack \"web\": created\nCell \"frontend\": created\n"
                + "Cell \"worker\": created\n", ok("apply", "-f", example("multi-document.yaml")).out());
        Path mixed = work.resolve("mixed.yaml");
        Files.writeString(mixed, "kind: Cell\nmetadata: {name: broken}\nspec: {realmId: demo, spaceId: shop, stackId: web,"
                + " containers: [{id: a}]}\n---\nkind: Realm\nmetadata: {name: fine}\n");
        KukeRun r = kuke("apply", "-f", mixed.toString());
        assertEquals(1, r.exit());
        assertEquals("Realm \"fine\": created\nCell \"broken\": failed\n  Error: line 3: spec.containers[0].image: is required\n",
                r.out());
        Path notYaml = work.resolve("not-yaml.yaml");
        Files.writeString(notYaml, "kind: Realm\nmetadata: name: oops\n");
        KukeRun unreadable = kuke("apply", "-f", notYaml.toString());
        assertEquals(1, unreadable.exit());
        assertEquals("manifest: line 2, column 15: not valid YAML: mapping values are not allowed here\n", unreadable.err());
    }

    @Test
    void dryRunReportsAndWritesNothing() {
        ok("init");
        assertEquals("Cell \"hello-world\": created (dry run)\n", ok("apply", "--dry-run", "-f", example("hello-world.yaml")).out());
        KukeRun get = kuke("get", "cell", "hello-world");
        assertEquals(1, get.exit());
        assertEquals("cell \"hello-world\" not found in stack \"default\"\n", get.err());
    }

    @Test
    void yamlAndJsonOfGetApplyBackUnchanged() throws Exception {
        ok("apply", "-f", example("multi-document.yaml"));
        ok("apply", "-f", example("hello-world.yaml"));
        for (String format : List.of("yaml", "json")) {
            for (String[] get : List.of(new String[] {"get", "realms"}, new String[] {"get", "spaces", "--realm", "demo"},
                    new String[] {"get", "stacks", "--realm", "demo", "--space", "shop"},
                    new String[] {"get", "cells", "--realm", "demo", "--space", "shop", "--stack", "web"},
                    new String[] {"get", "cell", "hello-world"})) {
                String printed = ok(concat(get, "-o", format)).out();
                KukeRun back = KukeRun.of(env, new ByteArrayInputStream(printed.getBytes(StandardCharsets.UTF_8)),
                        "apply", "-f", "-");
                assertEquals(0, back.exit(), back.out() + back.err());
                assertTrue(back.out().lines().allMatch(l -> l.endsWith(": unchanged")), format + " " + String.join(" ", get)
                        + "\n" + back.out());
            }
        }
    }

    @Test
    void selectorsAndWideOutput() {
        ok("apply", "-f", example("multi-document.yaml"));
        String frontend = ok("get", "cells", "--realm", "demo", "--space", "shop", "--stack", "web", "-l", "tier=frontend").out();
        assertEquals(2, frontend.lines().count(), frontend);
        assertTrue(frontend.lines().skip(1).allMatch(l -> l.startsWith("frontend ")));
        assertEquals("No cells matching \"tier=nothing\" found in stack \"web\".\n",
                ok("get", "cells", "--realm", "demo", "--space", "shop", "--stack", "web", "-l", "tier=nothing").out());
        String wide = ok("get", "realms", "-o", "wide").out();
        assertTrue(wide.startsWith("NAME   STATE   AGE   NAMESPACE\ndemo   Ready   "), wide);
        assertTrue(wide.contains("demo.kukeon.io"), wide);
    }

    @Test
    void errorsFromTheDaemonAreItsOneLine() {
        ok("apply", "-f", example("multi-document.yaml"));
        KukeRun children = kuke("delete", "realm", "demo");
        assertEquals(1, children.exit());
        assertTrue(children.err().startsWith("realm \"demo\" has 1 space(s)") && children.err().lines().count() == 1,
                children.err());
        KukeRun stack = kuke("get", "stack", "nope", "--realm", "demo", "--space", "shop");
        assertEquals("stack \"nope\" not found in space \"shop\"\n", stack.err());
        assertEquals(1, stack.exit());
    }

    @Test
    void aWrongTokenIsPermissionDenied() throws Exception {
        Path wrong = work.resolve("token");
        Files.writeString(wrong, "not-the-token\n");
        KukeRun r = KukeRun.of(Map.of("KUKEON_HOST", env.get("KUKEON_HOST")), "--token-file", wrong.toString(), "get", "realms");
        assertEquals(1, r.exit());
        assertEquals("permission denied: bad or missing token (see --token-file)\n", r.err());
    }

    @Test
    void createReportsCreatedThenAlreadyExisted() {
        assertEquals("realm \"r1\": created\n", ok("create", "realm", "r1", "--namespace", "r1.example.io").out());
        assertEquals("realm \"r1\": already existed\n", ok("create", "realm", "r1").out());
        assertEquals("space \"s1\": created in realm \"r1\"\n", ok("create", "space", "s1", "--realm", "r1").out());
        assertEquals("stack \"st1\": created in space \"s1\"\n", ok("create", "stack", "st1", "--realm", "r1", "--space", "s1").out());
        assertEquals("cell \"c1\": created in stack \"st1\"\n", ok("create", "cell", "c1", "--realm", "r1", "--space", "s1",
                "--stack", "st1", "--image", "busybox", "--command", "sh", "--", "-c", "echo hi").out());
        String yaml = ok("get", "cell", "c1", "--realm", "r1", "--space", "s1", "--stack", "st1", "-o", "yaml").out();
        assertTrue(yaml.contains("  - id: c1\n    image: busybox\n    command: sh\n    args:\n    - -c\n    - echo hi\n"), yaml);
    }

    @Test
    void lifecycleCommandsSayWhatTheyDid() {
        ok("apply", "-f", example("hello-world.yaml"));
        assertEquals("Stopped cell \"hello-world\" from stack \"default\"\n", ok("stop", "hello-world", "--timeout", "2s").out());
        assertTrue(ok("get", "cell", "hello-world").out().contains(" Stopped "));
        assertEquals("Started cell \"hello-world\" from stack \"default\"\n", ok("start", "hello-world").out());
        assertEquals("Restarted cell \"hello-world\" from stack \"default\"\n", ok("restart", "hello-world").out());
        assertEquals("Killed container \"fetch\" of cell \"hello-world\"\n", ok("kill", "hello-world", "--container", "fetch").out());
    }

    @Test
    void deleteByNameAndByFileChildrenFirst() {
        ok("apply", "-f", example("multi-document.yaml"));
        String cascade = ok("delete", "stack", "web", "--realm", "demo", "--space", "shop", "--cascade").out();
        assertTrue(cascade.contains("Deleted cell \"worker\" from stack \"web\"\n")
                && cascade.contains("Deleted container \"httpd\" from cell \"frontend\"\n")
                && cascade.endsWith("Deleted stack \"web\" from space \"shop\"\n"), cascade);
        ok("apply", "-f", example("multi-document.yaml"));
        assertEquals("Cell \"frontend\": deleted\nCell \"worker\": deleted\nStack \"web\": deleted\nSpace \"shop\": deleted\n"
                + "Realm \"demo\": deleted\n", ok("delete", "-f", example("multi-document.yaml")).out());
        assertEquals("Cell \"frontend\": not found, nothing to delete\n",
                ok("delete", "-f", example("multi-document.yaml")).out().lines().findFirst().orElseThrow() + "\n");
    }

    @Test
    void logsPrintEachContainersOutput() throws Exception {
        ok("apply", "-f", example("hello-world.yaml"));
        var cell = daemon.client().get(GetRequest.newBuilder().setKind("Cell").setPath("default/default/default/hello-world")
                .build()).getObject();
        for (var c : cell.getStatus().getContainersList()) {
            Path log = Path.of(c.getLogPath());
            Files.createDirectories(log.getParent());
            Files.writeString(log, "hello from " + c.getName() + "\nbye\n");
        }
        assertEquals("hello from fetch\nbye\n", ok("logs", "hello-world", "--container", "fetch").out());
        assertEquals("bye\n", ok("logs", "hello-world", "-c", "web", "--tail", "1").out());
        String all = ok("logs", "hello-world").out();
        assertTrue(all.contains("[web] hello from web\n") && all.contains("[fetch] bye\n"), all);
    }

    @Test
    void eventsStatusVersionAndImages() throws Exception {
        ok("apply", "-f", example("hello-world.yaml"));
        String events = ok("events", "cell/hello-world").out();
        assertTrue(events.lines().anyMatch(l -> l.matches("\\S+Z  cell/default/default/default/hello-world  CellCreated  .*")),
                events);
        assertTrue(ok("status").out().lines().anyMatch(l -> l.startsWith("OK   daemon ")));
        String version = ok("version").out();
        assertTrue(version.startsWith("Client: kuke ") && version.contains("\nServer: kukeond "), version);
        Path archive = work.resolve("image.tar");
        Files.write(archive, new byte[3 * ImageLoadCommand.CHUNK + 17]);
        assertTrue(ok("image", "load", archive.toString()).out().startsWith("Loaded "));
        assertTrue(ok("image", "ls").out().startsWith("NAME "));
    }

    @Test
    void watchPrintsEachChangeOnceUntilTheStreamEnds() throws Exception {
        ok("init");
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int[] exit = {-1};
        Thread watcher = new Thread(() -> exit[0] = Kuke.run(new String[] {"get", "cells", "-w"},
                new java.io.PrintWriter(out), new java.io.PrintWriter(err), env::get, java.io.InputStream.nullInputStream()));
        watcher.start();
        awaitText(out, "No cells found in stack \"default\".\n");
        ok("apply", "-f", example("hello-world.yaml"));
        awaitText(out, " Ready ");
        ok("stop", "hello-world");
        awaitText(out, " Stopped ");
        ok("delete", "cell", "hello-world");
        awaitText(out, " Deleted ");
        daemon.close();
        watcher.join(30_000);
        List<String> lines = out.toString().lines().toList();
        assertEquals("NAME          REALM     SPACE     STACK     STATE      AGE", lines.get(1));
        assertEquals(List.of("Ready", "Stopped", "Deleted"), lines.stream().skip(2).map(l -> l.split("\\s+")[4])
                .filter(st -> !st.equals("Pending")).distinct().toList(), out.toString());
        assertEquals(lines.size(), lines.stream().distinct().count(), "no row twice:\n" + out);
        assertEquals(1, exit[0], "the stream ends when kukeond goes away");
        assertTrue(err.toString().matches("cannot reach kukeond at 127.0.0.1:\\d+: [a-z ]+\\n"), err.toString());
    }

    private static void awaitText(java.io.StringWriter out, String text) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!out.toString().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never printed \"" + text + "\":\n" + out);
            }
            Thread.sleep(20);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
