package io.kukeon.cli;

import io.kukeon.testing.CriLog;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kuke against a kukeond running in this JVM on fake runtime ports: each command, its output and exit code. */
class KukeAgainstDaemonTest extends AgainstTestDaemon {

    @Test
    void initCreatesTheDefaultTreeAndASecondRunFindsItThere() {
        assertEquals("realm \"default\": created\nspace \"default\": created\nstack \"default\": created\n", ok("init").out());
        assertEquals("realm \"default\": already existed\nspace \"default\": already existed\n"
                + "stack \"default\": already existed\n", ok("init").out());
        assertEquals("No cells found.\n", ok("get", "cells").out());
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
        Files.writeString(mixed, "apiVersion: v1beta1\nkind: Cell\nmetadata: {name: broken}\nspec: {realmId: demo, spaceId: shop, stackId: web,"
                + " containers: [{id: a}]}\n---\napiVersion: v1beta1\nkind: Realm\nmetadata: {name: fine}\n");
        KukeRun r = kuke("apply", "-f", mixed.toString());
        assertEquals(1, r.exit());
        assertEquals("Realm \"fine\": created\nCell \"broken\": failed\n  Error: line 4: spec.containers[0].image: is required\n",
                r.out());
        Path notYaml = work.resolve("not-yaml.yaml");
        Files.writeString(notYaml, "apiVersion: v1beta1\nkind: Realm\nmetadata: name: oops\n");
        KukeRun unreadable = kuke("apply", "-f", notYaml.toString());
        assertEquals(1, unreadable.exit());
        assertEquals("manifest: line 3, column 15: not valid YAML: mapping values are not allowed here\n", unreadable.err());
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
    void dryRunOfAChangedManifestPrintsTheChangesAndMakesNone() throws Exception {
        ok("apply", "-f", example("hello-world.yaml"));
        Path changed = work.resolve("hello-world.yaml");
        Files.writeString(changed, Files.readString(Path.of(example("hello-world.yaml")))
                .replace("    app: hello-world\n", "    app: hello-world\n    tier: demo\n")
                .replace("restartMaxRetries: 5", "restartMaxRetries: 7"));
        String dryRun = ok("apply", "--dry-run", "-f", changed.toString()).out();
        assertEquals("Cell \"hello-world\": updated (dry run)\n  - metadata.labels.tier: added demo\n"
                + "  - spec.containers[web].restartMaxRetries: 5 -> 7\n"
                + "  => container \"web\" restarts with its new spec\n", dryRun);
        assertEquals("Cell \"hello-world\": unchanged\n", ok("apply", "-f", example("hello-world.yaml")).out(),
                "the dry run wrote nothing");
        assertEquals(dryRun.replace(" (dry run)", ""), ok("apply", "-f", changed.toString()).out(),
                "applied for real, the same changes");
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

    /** Annotations are stored and shown, change the object when edited, and are refused on a container, which has none. */
    @Test
    void annotationsAreStoredShownAndRoundTrip() throws Exception {
        Path manifest = work.resolve("annotated.yaml");
        String cell = "apiVersion: v1beta1\nkind: Cell\nmetadata:\n  name: noted\n  annotations:\n"
                + "    kukeon.io/description: |\n      two lines: of text\n      and \"quotes\"\n"
                + "spec:\n  realmId: default\n  spaceId: default\n  stackId: default\n"
                + "  containers:\n    - id: app\n      image: busybox\n      command: sleep\n      args: [\"1\"]\n";
        Files.writeString(manifest, cell);
        assertEquals("Cell \"noted\": created\n", ok("apply", "-f", manifest.toString()).out());
        String yaml = ok("get", "cell", "noted", "-o", "yaml").out();
        assertTrue(yaml.contains("annotations:") && yaml.contains("two lines: of text"), yaml);
        KukeRun back = KukeRun.of(env, new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "apply", "-f", "-");
        assertEquals("Cell \"noted\": unchanged\n", back.out(), back.err());

        Files.writeString(manifest, cell.replace("and \"quotes\"", "and more"));
        String dryRun = ok("apply", "--dry-run", "-f", manifest.toString()).out();
        assertTrue(dryRun.contains("metadata.annotations.kukeon.io/description"), dryRun);
        assertEquals("Cell \"noted\": updated\n  - metadata.annotations.kukeon.io/description: "
                + "\"two lines: of text\\nand \\\"quotes\\\"\\n\" -> \"two lines: of text\\nand more\\n\"\n",
                ok("apply", "-f", manifest.toString()).out());
        assertTrue(ok("get", "cell", "noted", "-o", "json").out().contains("and more"));

        Path container = work.resolve("container.yaml");
        Files.writeString(container, "apiVersion: v1beta1\nkind: Container\nmetadata:\n  name: side\n  annotations:\n    a: b\n"
                + "spec:\n  realmId: default\n  spaceId: default\n  stackId: default\n  cellId: noted\n  image: busybox\n");
        KukeRun refused = kuke("apply", "-f", container.toString());
        assertEquals(1, refused.exit());
        String why = refused.out() + refused.err();
        assertTrue(why.contains("metadata.annotations") && why.contains("annotate its cell \"noted\""), why);
        assertFalse(ok("get", "cell", "noted", "-o", "yaml").out().contains("id: side"));
    }

    /**
     * A space's defaults.container fill the fields its cells' containers leave empty, when the cell
     * is created or updated; what a container sets itself stays; the same manifest applies unchanged.
     */
    @Test
    void aSpacesContainerDefaultsFillWhatItsContainersLeaveEmpty() throws Exception {
        Path manifest = work.resolve("defaults.yaml");
        Files.writeString(manifest, "apiVersion: v1beta1\nkind: Space\nmetadata: {name: locked}\nspec:\n  realmId: default\n"
                + "  defaults:\n    container:\n      user: \"1000:1000\"\n      readOnlyRootFilesystem: true\n"
                + "      capabilities: {drop: [ALL]}\n      securityOpts: [no-new-privileges]\n"
                + "      tmpfs: [{path: /tmp, sizeBytes: 1048576, options: [noexec]}]\n"
                + "      resources: {memoryLimitBytes: 67108864}\n"
                + "---\napiVersion: v1beta1\nkind: Cell\nmetadata: {name: app}\n"
                + "spec:\n  realmId: default\n  spaceId: locked\n  stackId: default\n  containers:\n"
                + "    - {id: plain, image: busybox, command: sleep, args: [\"9\"]}\n"
                + "    - {id: own, image: busybox, command: sleep, args: [\"9\"], user: \"2000\","
                + " capabilities: {add: [NET_BIND_SERVICE]}}\n");
        ok("apply", "-f", manifest.toString());
        String yaml = ok("get", "cell", "app", "--space", "locked", "-o", "yaml").out();
        assertTrue(yaml.contains("user: 1000:1000"), yaml);
        assertTrue(yaml.contains("user: '2000'") || yaml.contains("user: \"2000\""), yaml);
        assertTrue(yaml.contains("path: /tmp") && yaml.contains("memoryLimitBytes: 67108864"), yaml);
        assertTrue(yaml.contains("readOnlyRootFilesystem: true") && yaml.contains("- no-new-privileges"), yaml);
        assertTrue(yaml.contains("- ALL") && yaml.contains("- CAP_NET_BIND_SERVICE"), "each container keeps its own capabilities\n" + yaml);
        assertTrue(ok("get", "space", "locked", "-o", "yaml").out().contains("defaults:"));
        assertTrue(ok("apply", "-f", manifest.toString()).out().lines().allMatch(l -> l.endsWith(": unchanged")),
                "the manifest as written is what is stored");
        KukeRun back = KukeRun.of(env, new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "apply", "-f", "-");
        assertEquals("Cell \"app\": unchanged\n", back.out(), back.err());

        Path bad = work.resolve("bad-defaults.yaml");
        Files.writeString(bad, "apiVersion: v1beta1\nkind: Space\nmetadata: {name: wrong}\nspec:\n  realmId: default\n"
                + "  defaults:\n    container:\n      user: \"a b\"\n");
        KukeRun refused = kuke("apply", "-f", bad.toString());
        assertEquals(1, refused.exit());
        assertTrue((refused.out() + refused.err()).contains("spec.defaults.container.user"), refused.out() + refused.err());
    }

    @Test
    void selectorsAndWideOutput() {
        ok("apply", "-f", example("multi-document.yaml"));
        String frontend = ok("get", "cells", "--realm", "demo", "--space", "shop", "--stack", "web", "-l", "tier=frontend").out();
        assertEquals(2, frontend.lines().count(), frontend);
        assertTrue(frontend.lines().skip(1).allMatch(l -> l.startsWith("frontend ")));
        assertEquals("No cells matching \"tier=nothing\" found in realm \"demo\", space \"shop\", stack \"web\".\n",
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
    void lenientAndExplosiveDocumentsAreRefusedAndCreateNothing() throws Exception {
        StringBuilder bomb = new StringBuilder("apiVersion: v1beta1\nkind: Space\nmetadata:\n  name: bomb\n  labels:\n"
                + "    l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 9; i++) {
            bomb.append("    l").append(i).append(": &l").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*l" + (i - 1)))).append("]\n");
        }
        bomb.append("spec: {realmId: default}\n");
        Path manifest = work.resolve("hostile.yaml");
        Files.writeString(manifest, "apiVersion: v1beta1\nkind: Realm\nmetadata: {name: !foo x}\n---\n"
                + "apiVersion: v2\nkind: Realm\nmetadata: {name: unversioned}\n---\n" + bomb);
        KukeRun r = kuke("apply", "-f", manifest.toString());
        assertEquals(1, r.exit());
        assertEquals("Realm \"x\": failed\n  Error: line 3: metadata.name: YAML tag \"!foo\" is not allowed; only !!str, !!int,"
                + " !!float, !!bool, !!null, !!timestamp, !!map and !!seq\n"
                + "Realm \"unversioned\": failed\n  Error: line 5: apiVersion: unsupported apiVersion \"v2\"; only v1beta1\n"
                + "Space \"bomb\": failed\n  Error: line 9: metadata.labels.l5[1][4][3][9][2][9]: more than 1048576 bytes"
                + " once its YAML aliases are expanded; a document is at most 1048576\n", r.out());
        assertEquals("No realms found.\n", ok("get", "realms").out());
    }

    @Test
    void anErrorQuotesTheInputAsGiven() {
        ok("init");
        for (String realm : List.of("sec-%61bc", "caf\u00e9", "caf\u00e9-%61", "%C3%A9")) {
            KukeRun r = kuke("get", "cells", "--realm", realm);
            assertEquals(1, r.exit(), realm);
            assertEquals("--realm: \"" + realm + "\" " + io.kukeon.model.Names.RULE + "\n", r.err());
        }
    }

    @Test
    void aListUnderAScopeThatDoesNotExistSaysWhichLevelIsMissing() {
        ok("apply", "-f", example("multi-document.yaml"));
        Map<List<String>, String> missing = Map.of(
                List.of("get", "cells", "--realm", "missing"), "realm \"missing\" not found\n",
                List.of("get", "cells", "--realm", "demo", "--space", "nope"), "space \"nope\" not found in realm \"demo\"\n",
                List.of("get", "cells", "--realm", "demo", "--space", "shop", "--stack", "nope"),
                "stack \"nope\" not found in space \"shop\"\n",
                List.of("get", "stacks", "--realm", "missing"), "realm \"missing\" not found\n");
        missing.forEach((args, message) -> {
            KukeRun r = kuke(args.toArray(String[]::new));
            assertEquals(message, r.err(), String.join(" ", args));
            assertEquals("", r.out(), String.join(" ", args));
            assertEquals(1, r.exit(), String.join(" ", args));
        });
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
        for (String c : List.of("root", "web", "fetch")) {
            Files.writeString(logOf("hello-world", c), CriLog.records("stdout", "hello from " + c)
                    + CriLog.records("stderr", "bye"));
        }
        assertEquals("hello from fetch\nbye\n", ok("logs", "hello-world", "--container", "fetch").out());
        assertEquals("bye\n", ok("logs", "hello-world", "-c", "web", "--tail", "1").out());
        String all = ok("logs", "hello-world").out();
        assertTrue(all.contains("[web] hello from web\n") && all.contains("[fetch] bye\n"), all);
        assertEquals("bye\n", ok("logs", "hello-world", "-c", "web", "--stream", "stderr").out());
        assertTrue(ok("logs", "hello-world", "-c", "web", "--timestamps").out()
                .matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\S+Z hello from web\n\\S+Z bye\n"));
        assertEquals("", ok("logs", "hello-world", "-c", "web", "--since", "2999-01-01T00:00:00Z").out());
        assertEquals("hello from web\nbye\n", ok("logs", "hello-world", "-c", "web", "--since", "1h").out());
        KukeRun badStream = kuke("logs", "hello-world", "--stream", "both");
        assertEquals(2, badStream.exit(), badStream.err());
        assertTrue(badStream.err().contains("--stream must be stdout or stderr"), badStream.err());
        KukeRun badSince = kuke("logs", "hello-world", "--since", "yesterday");
        assertEquals(2, badSince.exit(), badSince.err());
        assertTrue(badSince.err().contains("--since 'yesterday' is neither a duration"), badSince.err());
        KukeRun followPrevious = kuke("logs", "hello-world", "--previous", "-f");
        assertEquals(2, followPrevious.exit(), followPrevious.err());
    }

    @Test
    void eventsStatusAndVersion() {
        ok("apply", "-f", example("hello-world.yaml"));
        String events = ok("events", "cell/hello-world").out();
        assertTrue(events.lines().anyMatch(l -> l.matches("\\S+Z  cell/default/default/default/hello-world  CellCreated  .*")),
                events);
        assertTrue(ok("status").out().lines().anyMatch(l -> l.startsWith("OK   daemon ")));
        String version = ok("version").out();
        assertTrue(version.startsWith("Client: kuke ") && version.contains("\nServer: kukeond "), version);
    }

    @Test
    void imageLoadShowsProgressOnlyOnATerminal() throws Exception {
        ok("init");
        Path archive = work.resolve("image.tar");
        Files.write(archive, new byte[3 * ImageLoadCommand.CHUNK + 17]);
        String loaded = "Loaded \\S+ \\(sha256:fake, 1 B\\) into realm \"default\"\n";
        KukeRun piped = ok("image", "load", archive.toString());
        assertTrue(piped.out().matches(loaded), piped.out());
        assertEquals("", piped.err(), "no progress when stderr is not a terminal");
        KukeRun terminal = KukeRun.onTerminal(env, "image", "load", archive.toString());
        assertEquals(0, terminal.exit(), terminal.err());
        assertTrue(terminal.out().matches(loaded), terminal.out());
        assertTrue(terminal.err().startsWith("\rloading " + archive + ": 1.0 MiB of 3.0 MiB"), terminal.err());
        assertTrue(terminal.err().endsWith("\rloading " + archive + ": 3.0 MiB of 3.0 MiB\033[K\r\033[K"),
                "the last count, then the line cleared: " + terminal.err());
        assertTrue(ok("image", "ls").out().startsWith("NAME "));
    }

    @Test
    void watchPrintsEachChangeOnceUntilTheStreamEnds() throws Exception {
        ok("init");
        BackgroundKuke watch = background("get", "cells", "-w");
        watch.awaitOut("No cells found.\n");
        ok("apply", "-f", example("hello-world.yaml"));
        watch.awaitOut(" Ready ");
        ok("stop", "hello-world");
        watch.awaitOut(" Stopped ");
        ok("delete", "cell", "hello-world");
        watch.awaitOut(" Deleted ");
        daemon.close();
        assertEquals(1, watch.join(), "the stream ends when kukeond goes away");
        List<String> lines = watch.out().lines().toList();
        assertEquals("NAME          REALM     SPACE     STACK     STATE      AGE", lines.get(1));
        assertEquals(List.of("Ready", "Stopped", "Deleted"), lines.stream().skip(2).map(l -> l.split("\\s+")[4])
                .filter(st -> !st.equals("Pending")).distinct().toList(), watch.out());
        assertEquals(lines.size(), lines.stream().distinct().count(), "no row twice:\n" + watch.out());
        assertEquals("kukeond is stopping\n", watch.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
