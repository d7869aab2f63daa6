package io.kukeon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Completion without a daemon: where a word stands on a line, which names come from kukeond, the
 * bash script's fixed words as bash itself completes them, and {@code __complete}'s silence.
 * The names kukeond holds, in bash and fish, are completed in {@link RealSeeingCliTest}.
 */
class CompletionTest {
    private static final CommandSpec KUKE = Kuke.model().getCommandSpec();

    @TempDir
    Path work;

    private static CompletionLine line(String... words) {
        return CompletionLine.read(KUKE, List.of(words));
    }

    @Test
    void aLineIsReadToTheCommandTheOptionsAndTheWordCompleted() {
        CompletionLine cell = line("--host", "h:1", "get", "cell", "--realm", "r1", "-o", "yaml", "w");
        assertEquals("get", cell.command().name());
        assertEquals(Map.of("--host", "h:1", "--realm", "r1", "--output", "yaml"), cell.options());
        assertEquals(List.of("cell"), cell.positional());
        assertEquals("NAME", ((PositionalParamSpec) cell.completing()).paramLabel());
        assertEquals("w", cell.prefix());

        assertEquals("--realm", ((OptionSpec) line("g", "cells", "--realm", "").completing()).longestName());
        CompletionLine equals = line("get", "cells", "--stack=we");
        assertEquals("--stack", ((OptionSpec) equals.completing()).longestName());
        assertEquals("we", equals.prefix());
        assertEquals("secret", line("get", "secrets", "").command().name(), "an alias reaches its command");
        assertEquals("NAME", ((PositionalParamSpec) line("get", "-w", "cell", "").completing()).paramLabel());
        assertNull(line("version", "").completing(), "version takes no positional parameter");
    }

    @Test
    void namesComeFromKukeondForScopesCellsAndTheKindGiven() {
        assertEquals(NameSource.KIND_GIVEN, source("get", "cell", ""));
        assertEquals(NameSource.KIND_GIVEN, source("describe", "container", ""));
        assertEquals(NameSource.CELL, source("start", ""));
        assertEquals(NameSource.CELL, source("logs", ""));
        assertEquals(NameSource.CONTAINER, source("logs", "web", "--container", ""));
        assertEquals(NameSource.REALM, source("get", "cells", "--realm", ""));
        assertEquals(NameSource.STACK, source("delete", "cell", "--stack", ""));
        assertEquals(NameSource.SECRET, source("get", "secret", ""));
        assertEquals(NameSource.VOLUME, source("delete", "volume", ""));
        assertEquals(NameSource.BLUEPRINT, source("create", "cell", "web", "--from-blueprint", ""));
        assertEquals(NameSource.IMAGE, source("image", "rm", "--realm", "demo", ""));
        assertEquals(NameSource.KIND_SLASH_NAME, source("events", ""));
        assertEquals(NameSource.KIND_SLASH_NAME, source("events", "--realm", "r", "cell/w"));
        assertNull(source("create", "cell", ""), "a new object has a new name");
        assertNull(source("create", "cell", "web", "--container", ""));
        assertNull(source("get", "cells", "-o", ""));
        assertNull(source("apply", "-f", ""));
    }

    private static NameSource source(String... words) {
        CompletionLine l = line(words);
        return l.completing() == null ? null : NameSource.of(l.command(), l.completing());
    }

    @Test
    void bashCompletesCommandsOptionsAndFixedWordsFromTheScript() throws Exception {
        Path script = Files.writeString(work.resolve("kuke.bash"), run("completion", "bash").out());
        assertEquals(List.of(), bash(script, "source_only"), "sourcing prints nothing");
        List<String> commands = bash(script, "kuke", "");
        assertTrue(commands.containsAll(List.of("apply", "get", "g", "describe", "logs", "completion", "image")), commands.toString());
        assertFalse(commands.contains("__complete"), "the hidden command is not offered");
        assertEquals(List.of("describe", "desc", "delete"), bash(script, "kuke", "de"), "in help's order");
        assertEquals(List.of("table", "wide", "yaml", "json", "name", "jsonpath="), bash(script, "kuke", "get", "-o", ""));
        assertEquals(List.of("--realm"), bash(script, "kuke", "get", "cells", "--re"));
        assertEquals(List.of("cellblueprint", "cellblueprints", "cellconfig", "cellconfigs", "cells"),
                bash(script, "kuke", "get", "cel"), "subcommands and the kinds of the KIND parameter");
        assertEquals(List.of("bash"), bash(script, "kuke", "completion", "b"));
        Path manifest = Files.writeString(work.resolve("web.yaml"), "");
        assertEquals(List.of(manifest.toString()), bash(script, "kuke", "apply", "-f", work.resolve("we").toString()));
    }

    /**
     * What bash's {@code _kuke} puts in COMPREPLY for a line, its last word the one completed;
     * {@code source_only} sources the script and prints what that printed. kuke is not on the
     * PATH: a name from kukeond would be nothing here.
     */
    private List<String> bash(Path script, String... words) throws IOException, InterruptedException {
        String body = words[0].equals("source_only") ? "source \"$0\" 2>&1"
                : "source \"$0\"; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _kuke; printf '%s\\n' \"${COMPREPLY[@]}\"";
        List<String> command = new ArrayList<>(List.of("bash", "-c", body, script.toString()));
        if (!words[0].equals("source_only")) {
            command.addAll(Arrays.asList(words));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", "/usr/bin:/bin");
        Process bash = builder.start();
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, bash.exitValue(), out);
        return out.lines().filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void namesWithoutADaemonAreNothingAndNoMessage() {
        KukeRun offline = KukeRun.offline("__complete", "--", "get", "cell", "");
        assertEquals(new KukeRun(0, "", ""), offline);
        assertEquals(new KukeRun(0, "", ""), KukeRun.offline("__complete", "--", "get", "cell", "--realm", "bad/name", ""));
        assertEquals(new KukeRun(0, "", ""), KukeRun.offline("__complete"));
        assertEquals(new KukeRun(0, "cell/\ncontainer/\n", ""), KukeRun.offline("__complete", "--", "events", "c"),
                "the kinds of events KIND/NAME need no daemon");
    }

    /** A daemon that never answers: the names are given up after the deadline, quietly. */
    @Test
    void namesFromADaemonThatDoesNotAnswerAreGivenUpQuickly() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            KukeRun r = KukeRun.of(Map.of("KUKEON_HOST", "127.0.0.1:" + silent.getLocalPort(),
                    "KUKEON_TOKEN_FILE", "/nonexistent/token"), "__complete", "--", "get", "cells", "--realm", "");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(new KukeRun(0, "", ""), r);
            assertTrue(millis >= CompleteCommand.DEADLINE_MILLIS && millis < CompleteCommand.DEADLINE_MILLIS + 3000,
                    millis + " ms");
        }
    }

    @Test
    void shellFilesWritesTheCompletionOfEachShell() throws Exception {
        ShellFiles.write(work);
        for (CompletionCommand.Shell shell : CompletionCommand.Shell.values()) {
            assertEquals(run("completion", shell.name()).out(),
                    Files.readString(work.resolve("completion").resolve(shell.fileName)), shell.name());
        }
        assertTrue(Files.readString(work.resolve("completion/_kuke")).startsWith("#compdef kuke\n"));
    }

    private static KukeRun run(String... args) {
        KukeRun r = KukeRun.offline(args);
        assertEquals(0, r.exit(), r.err());
        return r;
    }
}
