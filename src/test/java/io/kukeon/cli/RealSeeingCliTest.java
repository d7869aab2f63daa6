package io.kukeon.cli;

import io.kukeon.api.Docs;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.RealDaemon;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.ContainerStatus;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kuke's listing, events and describe against one kukeond on the real containerd, runc and cgroups
 * (issue 16, "Seeing"): two realms of two stacks each, a cell {@code web} in every stack, and a cell
 * {@code flaky} in r1/s/a whose container {@code app} exits with code 3 once and runs on after its
 * restart.
 */
@Tag("containerd")
class RealSeeingCliTest {
    @TempDir
    static Path work;
    static RealDaemon host;
    static Map<String, String> env;
    static Path marks;

    @BeforeAll
    static void start() throws Exception {
        host = new RealDaemon(work.resolve("data"));
        env = Map.of("KUKEON_HOST", "127.0.0.1:" + host.daemon().port(),
                "KUKEON_TOKEN_FILE", host.dataDir.resolve("token").toString());
        host.createStack("r1", "s", "a");
        host.createStack("r2", "s", "a");
        Docs.createStack(host.client(), "r1/s/b");
        Docs.createStack(host.client(), "r2/s/b");
        marks = Files.createDirectory(work.resolve("marks"));
        StringBuilder cells = new StringBuilder();
        for (String stack : List.of("r1/s/a", "r1/s/b", "r2/s/a", "r2/s/b")) {
            cells.append(cell("web", stack, "    - {id: main, root: true, image: docker.io/library/busybox:latest,"
                    + " command: sleep, args: ['3600']}\n"));
        }
        cells.append(cell("flaky", "r1/s/a", """
                    - {id: main, root: true, image: docker.io/library/busybox:latest, command: sleep, args: ['3600']}
                    - id: app
                      image: docker.io/library/busybox:latest
                      command: /bin/sh
                      args: ['-c', 'if [ -e /marks/once ]; then exec sleep 3600; fi; touch /marks/once; sleep 1; exit 3']
                      restartPolicy: always
                      restartBackoffSeconds: 1
                      resources: {memoryLimitBytes: 67108864, pidsLimit: 32}
                      volumes: [{source: %s, target: /marks}]
                """.formatted(marks)));
        for (ApplyResult r : host.apply(cells.toString())) {
            assertEquals("", r.getError(), r.getPath());
        }
        Eventually.value("app of flaky restarted once and running", Duration.ofSeconds(60), () -> {
            ContainerStatus app = get("Container", "r1/s/a/flaky/app").getStatus().getContainer();
            return app.getRestartCount() >= 1 && app.getState().equals("Ready") ? app : null;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    private static String cell(String name, String stack, String containers) {
        String[] s = stack.split("/");
        return "---\napiVersion: v1beta1\nkind: Cell\nmetadata: {name: " + name + "}\nspec:\n  realmId: " + s[0]
                + "\n  spaceId: " + s[1] + "\n  stackId: " + s[2] + "\n  containers:\n" + containers;
    }

    private static ObjectDoc get(String kind, String path) throws Exception {
        return host.client().get(GetRequest.newBuilder().setKind(kind).setPath(path).build()).getObject();
    }

    private static KukeRun kuke(String... args) {
        return KukeRun.of(env, args);
    }

    private static KukeRun ok(String... args) {
        KukeRun r = kuke(args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + "\n" + r.out() + r.err());
        assertEquals("", r.err(), () -> String.join(" ", args));
        return r;
    }

    /** The rows of a table as "realm/space/stack/name" (cells) or ".../cell/name" (containers): the columns, not the paths. */
    private static Set<String> rows(String table, int parents) {
        List<String> lines = table.lines().toList();
        assertTrue(lines.get(0).startsWith("NAME "), table);
        return lines.stream().skip(1).map(l -> l.split("\\s+")).map(c -> String.join("/",
                Arrays.copyOfRange(c, 1, parents + 1)) + "/" + c[0]).collect(Collectors.toSet());
    }

    @Test
    void aListCoversEveryRealmAndStackAndEachFlagGivenNarrowsIt() {
        Set<String> every = Set.of("r1/s/a/web", "r1/s/a/flaky", "r1/s/b/web", "r2/s/a/web", "r2/s/b/web");
        assertEquals(every, rows(ok("get", "cells").out(), 3));
        assertEquals(every, rows(ok("get", "cells", "--space", "s").out(), 3));
        assertEquals(Set.of("r1/s/a/web", "r1/s/a/flaky", "r1/s/b/web"), rows(ok("get", "cells", "--realm", "r1").out(), 3));
        assertEquals(Set.of("r1/s/b/web", "r2/s/b/web"), rows(ok("get", "cells", "--stack", "b").out(), 3));
        assertEquals(Set.of("r2/s/a/web"), rows(ok("get", "cells", "--realm", "r2", "--stack", "a").out(), 3));
        assertEquals(Set.of("r1/s/a/web", "r1/s/a/flaky"),
                rows(ok("get", "cells", "--realm", "r1", "--space", "s", "--stack", "a").out(), 3));

        assertEquals(Set.of("r1/s/a/flaky/main", "r1/s/a/flaky/app", "r1/s/a/web/main", "r1/s/b/web/main",
                "r2/s/a/web/main", "r2/s/b/web/main"), rows(ok("get", "containers").out(), 4));
        assertEquals(Set.of("r1/s/a/web/main", "r1/s/b/web/main", "r2/s/a/web/main", "r2/s/b/web/main"),
                rows(ok("get", "containers", "--cell", "web").out(), 4));
        assertEquals(Set.of("r1/s/b/web/main", "r2/s/b/web/main"), rows(ok("get", "containers", "--stack", "b").out(), 4));
        assertEquals(Set.of("r1/s/a", "r1/s/b", "r2/s/a", "r2/s/b"), rows(ok("get", "stacks").out(), 2));
        assertEquals(Set.of("r2/s/a", "r2/s/b"), rows(ok("get", "stacks", "--realm", "r2").out(), 2));
        assertEquals(Set.of("r1/s", "r2/s"), rows(ok("get", "spaces").out(), 1));

        assertEquals("No cells found in stack \"c\".\n", ok("get", "cells", "--stack", "c").out());
        assertEquals("No cells matching \"tier=none\" found in realm \"r2\".\n",
                ok("get", "cells", "--realm", "r2", "-l", "tier=none").out());
        KukeRun missing = kuke("get", "cells", "--realm", "r3");
        assertEquals(1, missing.exit());
        assertEquals("realm \"r3\" not found\n", missing.err());
        KukeRun deeper = kuke("get", "spaces", "--stack", "a");
        assertEquals(2, deeper.exit());
        assertTrue(deeper.err().startsWith("--stack does not narrow a list of spaces"), deeper.err());

        assertEquals(Set.of("r1/s/a/web"), rows(ok("get", "cell", "web", "--realm", "r1", "--space", "s", "--stack", "a").out(), 3),
                "one object by name takes the flags as its scope");
        KukeRun defaulted = kuke("get", "cell", "web");
        assertEquals(1, defaulted.exit(), "one object's scope defaults to default/default/default, not everywhere");
        assertTrue(defaulted.err().contains("not found"), defaulted.err());
    }

    @Test
    void imagesOfEveryRealmOrOfOne() {
        String every = ok("image", "ls").out();
        assertTrue(every.startsWith("NAME "), every);
        assertEquals(Set.of("r1", "r2"), every.lines().skip(1).map(l -> l.split("\\s+")[1]).collect(Collectors.toSet()), every);
        String r2 = ok("image", "ls", "--realm", "r2").out();
        assertTrue(r2.lines().skip(1).allMatch(l -> l.split("\\s+")[1].equals("r2")) && r2.lines().count() > 1, r2);
        assertEquals(every, ok("get", "images").out(), "get images is image ls");

        String busybox = "docker.io/library/busybox:latest";
        assertTrue(r2.lines().anyMatch(l -> l.startsWith(busybox + " ") && l.endsWith(" r2/s/a/web,r2/s/b/web")), r2);
        assertEquals("r1/s/a/flaky r1/s/a/web r1/s/b/web", ok("get", "images", "--realm", "r1", "-o",
                "jsonpath={range .items[*]}{.usedBy[*]}{end}").out().strip(),
                "the cells of r1 that run busybox (the only image there), sorted");
    }

    /**
     * An image cells use is kept unless forced; prune removes what no cell uses. In a realm of its own,
     * emptied again, so that the other tests see the realms they made.
     */
    @Test
    void imagesAreRemovedOnlyWhenNoCellUsesThemOrByForce() throws Exception {
        String busybox = "docker.io/library/busybox:latest";
        KukeRun used = kuke("image", "rm", "busybox", "--realm", "r2");
        assertEquals(new KukeRun(1, "", "image \"" + busybox + "\" is used by cell r2/s/a/web, r2/s/b/web"
                + " (--force removes it anyway)\n"), used);
        assertTrue(ok("image", "ls", "--realm", "r2").out().contains(busybox), "nothing removed");

        ok("create", "realm", "images");
        String archive = io.kukeon.testing.RealComponents.busyboxArchive().toString();
        ok("image", "load", archive, "--realm", "images");
        String size = ok("image", "ls", "--realm", "images").out().lines().skip(1).findFirst().orElseThrow()
                .split(" {3,}")[3];
        assertEquals("Removed " + busybox + " (" + size + ")\nFreed " + size + ".\n", ok("image", "prune", "--realm", "images").out());
        assertEquals("No images found in realm \"images\".\n", ok("image", "ls", "--realm", "images").out());
        assertEquals("Freed 0 B.\n", ok("image", "prune", "--realm", "images").out(), "nothing left to prune");

        ok("image", "load", archive, "--realm", "images");
        assertEquals("Removed " + busybox + " (" + size + ")\nFreed " + size + ".\n", ok("image", "rm", "busybox", "--realm", "images").out());
        KukeRun gone = kuke("image", "rm", busybox, "--realm", "images");
        assertEquals(new KukeRun(1, "", "image \"" + busybox + "\" not found in realm \"images\"\n"), gone);
        ok("delete", "realm", "images");
    }

    @Test
    void yamlOfEveryCellEverywhereAppliesBackUnchanged() {
        for (String format : List.of("yaml", "json")) {
            String printed = ok("get", "cells", "-o", format).out();
            KukeRun back = KukeRun.of(env, new ByteArrayInputStream(printed.getBytes(StandardCharsets.UTF_8)), "apply", "-f", "-");
            assertEquals(0, back.exit(), back.out() + back.err());
            assertEquals(5, back.out().lines().count(), back.out());
            assertTrue(back.out().lines().allMatch(l -> l.endsWith(": unchanged")), format + "\n" + back.out());
        }
    }

    @Test
    void secretsAreListedAcrossRealmsAndNarrowedByEachFlag() {
        ok("create", "secret", "token", "--from-literal", "one", "--realm", "r1");
        ok("create", "secret", "token", "--from-literal", "two", "--realm", "r2", "--space", "s", "--stack", "b");
        String all = ok("get", "secrets").out();
        assertTrue(all.contains("token   r1 ") && all.contains("token   r2/s/b "), all);
        String r2 = ok("get", "secrets", "--realm", "r2").out();
        assertFalse(r2.contains(" r1 "), r2);
        assertEquals(2, r2.lines().count(), r2);
        assertEquals(2, ok("get", "secrets", "--stack", "b").out().lines().count(), "the stack's, not the realm's above it");
    }

    @Test
    void eventsTakeTheFullPathTheyPrintAndListAcrossScopes() {
        String byPath = ok("events", "cell/r2/s/b/web").out();
        assertTrue(byPath.contains("  cell/r2/s/b/web  CellStarted  "), byPath);
        assertTrue(byPath.lines().allMatch(l -> l.contains("  cell/r2/s/b/web  ")), byPath);
        assertEquals(byPath, ok("events", "cell/web", "--realm", "r2", "--space", "s", "--stack", "b").out());

        String exits = ok("events", "container/r1/s/a/flaky/app").out();
        assertTrue(exits.contains("  container/r1/s/a/flaky/app  ContainerTaskExited  exited with code 3"), exits);
        assertTrue(exits.lines().allMatch(l -> l.contains("  container/r1/s/a/flaky/app  ")), exits);

        String stackB = ok("events", "--stack", "b").out();
        assertTrue(stackB.contains("  cell/r1/s/b/web  CellStarted") && stackB.contains("  cell/r2/s/b/web  CellStarted"), stackB);
        assertTrue(stackB.lines().allMatch(l -> l.split("  ")[1].matches("[a-z]+/r[12]/s/b(/.*)?")), stackB);
        String r2 = ok("events", "--realm", "r2").out();
        assertTrue(r2.contains("  realm/r2  ") && !r2.contains("/r1"), r2);
        String everything = ok("events").out();
        assertTrue(everything.contains("/r1/") && everything.contains("/r2/") && everything.contains("  host  "), "all of it");

        KukeRun shallow = kuke("events", "cell/r2/s/web");
        assertEquals(2, shallow.exit());
        assertTrue(shallow.err().startsWith("'cell/r2/s/web' is neither KIND/NAME nor KIND/PATH; the path of a cell is"
                + " realm/space/stack/cell"), shallow.err());
        KukeRun both = kuke("events", "cell/r2/s/b/web", "--realm", "r2");
        assertEquals(2, both.exit());
        assertTrue(both.err().startsWith("'cell/r2/s/b/web' is a full path: leave out --realm"), both.err());
    }

    @Test
    void describeShowsARunningCellWithAContainerThatExitedAndRestarted() throws Exception {
        ObjectDoc cell = get("Cell", "r1/s/a/flaky");
        ContainerStatus app = get("Container", "r1/s/a/flaky/app").getStatus().getContainer();
        String text = ok("describe", "cell", "flaky", "--realm", "r1", "--space", "s", "--stack", "a").out();

        assertTrue(text.startsWith("Name:             flaky\nKind:             Cell\nPath:             r1/s/a/flaky\n"), text);
        assertTrue(text.contains("\nState:            Ready\n"), text);
        assertTrue(text.contains("\nSpec:             2 containers"), text);
        assertTrue(text.contains("\nCgroup:           " + cell.getStatus().getCgroup().getPath() + ", memory "), text);
        assertTrue(text.contains("\nNetwork:\n  Address:        " + cell.getStatus().getNetwork().getAddress() + "/24 via "), text);
        assertTrue(text.contains("\n  Egress:         allow (space \"s\")\n"), text);

        String appSection = text.substring(text.indexOf("\n  app:\n"), text.indexOf("\nEvents"));
        assertTrue(appSection.contains("\n    State:        Ready, pid " + app.getPid() + ", started "), appSection);
        assertTrue(Files.exists(Path.of("/proc/" + app.getPid())), "the pid shown is a live process");
        assertTrue(appSection.contains("\n    Restarts:     " + app.getRestartCount() + " (policy always)\n"), appSection);
        assertTrue(appSection.matches("(?s).*\n    Last exit:    exited with code 3 at \\S+Z \\(\\d+s ago\\)\n.*"), appSection);
        assertTrue(appSection.contains("\n    OOM kills:    0\n"), appSection);
        assertTrue(appSection.matches("(?s).*\n    Memory:       [0-9.]+ (B|KiB|MiB) of 64\\.0 MiB\n.*"), appSection);
        assertTrue(appSection.matches("(?s).*\n    Pids:         1 of 32\n.*"), "sleep is its one process: " + appSection);
        assertTrue(appSection.contains("\n    Volumes:      /marks: " + marks + "\n"), appSection);

        String events = text.substring(text.indexOf("\nEvents"));
        assertTrue(events.matches("(?s).*\n  \\S+ +app +ContainerTaskExited +exited with code 3\n.*"), events);
        long shown = events.lines().count() - 2;
        assertTrue(shown > 0 && shown <= Description.EVENTS_SHOWN, events);
    }

    @Test
    void describeOfAScopeAndOfAContainer() {
        String realm = ok("describe", "realm", "r2").out();
        assertTrue(realm.contains("\nNamespace:        " + host.namespace("r2") + " (ready)\n"), realm);
        assertTrue(realm.contains("\nSpaces:           s (Ready)\n"), realm);
        assertTrue(realm.matches("(?s).*\n  \\S+ +\\. +RealmCreated +created\n.*"), realm);
        String stack = ok("describe", "stack", "b", "--realm", "r1", "--space", "s").out();
        assertTrue(stack.contains("\nCells:            web (Ready)\n"), stack);
        String container = ok("describe", "container", "app", "--cell", "flaky", "--realm", "r1", "--space", "s",
                "--stack", "a").out();
        assertTrue(container.contains("\nContainer:\n  app:\n    Image:        docker.io/library/busybox:latest\n"), container);
        KukeRun noCell = kuke("describe", "container", "app");
        assertEquals(2, noCell.exit());
        assertTrue(noCell.err().startsWith("--cell is required to describe a container"), noCell.err());
    }

    /** Completion as bash and fish do it at a TAB, through bin/kuke on the PATH: the names come from this kukeond. */
    @Test
    void bashAndFishCompleteTheNamesThisKukeondHolds() throws Exception {
        Path home = KukeHome.create(work.resolve("kuke-home"));
        Path bin = Files.createDirectories(work.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("kuke"), KukeHome.kuke().toAbsolutePath());
        ShellFiles.write(work.resolve("shell"));
        Path bash = work.resolve("shell/completion/kuke.bash");
        Path fish = work.resolve("shell/completion/kuke.fish");
        Map<String, String> shellEnv = new java.util.HashMap<>(env);
        shellEnv.putAll(Map.of("PATH", bin + ":/usr/bin:/bin", "KUKEON_HOME", home.toString(), "KUKEON_CDS", "off"));

        String bashCompletes = "source \"$0\"; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _kuke; printf '%s\\n' \"${COMPREPLY[@]}\"";
        assertEquals(List.of("flaky", "web"), shell(shellEnv, "bash", "-c", bashCompletes, bash.toString(),
                "kuke", "get", "cell", "--realm", "r1", "--space", "s", "--stack", "a", ""));
        assertEquals(List.of("flaky"), shell(shellEnv, "bash", "-c", bashCompletes, bash.toString(),
                "kuke", "start", "--realm", "r1", "--space", "s", "--stack", "a", "f"));
        assertEquals(List.of("app", "main"), shell(shellEnv, "bash", "-c", bashCompletes, bash.toString(),
                "kuke", "describe", "container", "--realm", "r1", "--space", "s", "--stack", "a", "--cell", "flaky", ""));
        assertTrue(shell(shellEnv, "bash", "-c", bashCompletes, bash.toString(), "kuke", "get", "cells", "--realm", "")
                .containsAll(List.of("r1", "r2")));
        assertEquals(List.of("a", "b"), shell(shellEnv, "bash", "-c", bashCompletes, bash.toString(),
                "kuke", "get", "cells", "--realm", "r2", "--stack", ""));
        assertEquals(List.of("cell/r1/s/a/flaky"), shell(shellEnv, "bash", "-c", bashCompletes, bash.toString(),
                "kuke", "events", "cell/r1/s/a/f"));

        assertEquals(List.of(), shell(shellEnv, "fish", "-n", fish.toString()));
        String fishCompletes = "source $argv[1]; complete -C $argv[2]";
        assertEquals(List.of("flaky", "web"), shell(shellEnv, "fish", "-c", fishCompletes, fish.toString(),
                "kuke get cell --realm r1 --space s --stack a ").stream().map(l -> l.split("\t")[0]).toList());
        assertEquals(List.of("app"), shell(shellEnv, "fish", "-c", fishCompletes, fish.toString(),
                "kuke logs flaky --realm r1 --space s --stack a --container a").stream().map(l -> l.split("\t")[0]).toList());
        assertEquals(List.of("cell/r2/s/a/web", "cell/r2/s/b/web"), shell(shellEnv, "fish", "-c", fishCompletes, fish.toString(),
                "kuke events cell/r2/").stream().map(l -> l.split("\t")[0]).toList());
    }

    /** The lines a shell printed (stdout and stderr), with its environment {@code shellEnv} alone; it must exit 0. */
    private static List<String> shell(Map<String, String> shellEnv, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(shellEnv);
        builder.environment().put("HOME", work.toString());
        Process p = builder.start();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), String.join(" ", command));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> !l.isEmpty()).toList();
    }
}
