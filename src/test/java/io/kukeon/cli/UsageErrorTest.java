package io.kukeon.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Usage errors exit 2 with one line naming the problem and where help is; help itself exits 0. */
class UsageErrorTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "frob                         | unknown command 'frob' for 'kuke' (see 'kuke --help')",
            "get                          | Missing required parameter: 'KIND' (see 'kuke get --help')",
            "get pods                     | Invalid value for positional parameter at index 0 (KIND): unknown kind 'pods'; one of realm, space, stack, cell, container (or their plurals) (see 'kuke get --help')",
            "get cells -o xml             | Invalid value for option '--output': 'xml' is not an output format; expected one of table, wide, yaml, json, name, jsonpath=TEMPLATE (see 'kuke get --help')",
            "get cell web -l app=web      | give a NAME or a selector (-l), not both (see 'kuke get --help')",
            "get cells -l a=b=c           | selector: \"a=b=c\" is not a requirement; use key=value, key==value, key!=value, key or !key, joined by commas (see 'kuke get --help')",
            "get container web            | --cell is required to get a container by name (see 'kuke get --help')",
            "apply                        | Missing required option: '--filename=FILE' (see 'kuke apply --help')",
            "create                       | Missing required subcommand (see 'kuke create --help')",
            "create cell web --image a --from-config b | Error: --image=IMAGE, --from-config=CONFIG are mutually exclusive (specify only one) (see 'kuke create cell --help')",
            "create cell --clone a --env A=b | --env does not go with --clone (see 'kuke create cell --help')",
            "delete                       | give KIND NAME, or -f FILE (see 'kuke delete --help')",
            "delete cell web -f x.yaml    | give KIND NAME or -f FILE, not both (see 'kuke delete --help')",
            "stop                         | Missing required parameter: 'CELL' (see 'kuke stop --help')",
            "stop web --timeout soon      | Invalid value for option '--timeout': 'soon' is not a duration; use e.g. 30s, 5m, 2h, 1d (see 'kuke stop --help')",
            "logs web --tail -1           | --tail must be 0 or more (see 'kuke logs --help')",
            "events cellweb               | 'cellweb' is not KIND/NAME, e.g. cell/web (see 'kuke events --help')",
            "image                        | Missing required subcommand (see 'kuke image --help')",
            "completion tcsh              | Invalid value for positional parameter at index 0 (SHELL): expected one of [bash, zsh, fish] (case-sensitive) but was 'tcsh' (see 'kuke completion --help')",
            "get cells --bogus            | Unknown option: '--bogus' (see 'kuke get --help')",
            "get spaces --stack a         | --stack does not narrow a list of spaces (see 'kuke get --help')",
            "events cell/r/s/web          | 'cell/r/s/web' is neither KIND/NAME nor KIND/PATH; the path of a cell is realm/space/stack/cell (see 'kuke events --help')",
            "events cell/r/s/st/web --realm r | 'cell/r/s/st/web' is a full path: leave out --realm (see 'kuke events --help')",
            "describe container app       | --cell is required to describe a container (see 'kuke describe --help')",
            "describe cell web --cell x   | --cell is for a container only (see 'kuke describe --help')",
            "describe cell                | Missing required parameter: 'NAME' (see 'kuke describe --help')",
    })
    void usageErrorExitsTwoWithOneLine(String args, String line) {
        KukeRun r = KukeRun.offline(args.trim().split("\\s+"));
        assertEquals(2, r.exit(), r.err());
        assertEquals(line + "\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void kukeAloneShowsTheUsageAsAUsageError() {
        KukeRun r = KukeRun.offline();
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("Usage: kuke"), r.err());
    }

    @Test
    void helpListsEveryCommandAndExitsZero() {
        KukeRun r = KukeRun.offline("--help");
        assertEquals(0, r.exit());
        for (String c : new String[] {"init", "apply", "get", "create", "delete", "start", "stop", "kill", "restart",
                "logs", "top", "events", "image", "status", "version", "completion"}) {
            assertTrue(r.out().contains("\n  " + c), () -> c + " missing from\n" + r.out());
        }
        assertFalse(r.out().contains("__complete"), "hidden");
        assertEquals(0, KukeRun.offline("get", "--help").exit());
        assertEquals(0, KukeRun.offline("create", "cell", "-h").exit());
    }

    @Test
    void completionScriptsComeFromTheCommandTree() {
        KukeRun bash = KukeRun.offline("completion", "bash");
        assertEquals(0, bash.exit());
        assertTrue(bash.out().contains("\ncomplete -F _kuke kuke\n"), bash.out().substring(0, 200));
        assertTrue(bash.out().contains("\n    \"/get #0\") echo \"realms spaces stacks cells containers\" ;;\n"));
        assertTrue(bash.out().contains("\n    \"/image\") echo \"pull load ls list rm remove prune\" ;;\n"), "image's subcommands");
        assertFalse(bash.out().contains("__complete\""), "the hidden command is not completed");
        KukeRun zsh = KukeRun.offline("completion", "zsh");
        assertEquals(0, zsh.exit());
        assertEquals("#compdef kuke\nautoload -U +X bashcompinit && bashcompinit\n" + bash.out(), zsh.out(),
                "zsh runs the bash script through bashcompinit");
    }

    @Test
    void badInputThatParsesIsAFailureNotAUsageError() throws Exception {
        KukeRun badName = KukeRun.offline("create", "cell", "Bad_Name", "--image", "busybox");
        assertEquals(1, badName.exit());
        assertEquals("cell: \"Bad_Name\" " + io.kukeon.model.Names.RULE + "\n", badName.err());

        KukeRun missing = KukeRun.offline("apply", "-f", "/nonexistent/manifest.yaml");
        assertEquals(1, missing.exit());
        assertEquals("/nonexistent/manifest.yaml: no such file\n", missing.err());

        Path big = Files.createTempFile("big", ".yaml");
        try {
            Files.write(big, new byte[(1 << 20) + 1]);
            KukeRun tooBig = KukeRun.offline("apply", "-f", big.toString());
            assertEquals(1, tooBig.exit());
            assertEquals(big + " is over 1048576 bytes; a manifest is at most 1048576\n", tooBig.err());
        } finally {
            Files.delete(big);
        }

        KukeRun badDelete = KukeRun.offline("delete", "-f", "-");
        assertEquals(1, badDelete.exit(), "an empty manifest on stdin is refused");
        assertEquals("manifest: line 1, column 1: no document found\n", badDelete.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"get", "describe", "events", "image ls", "get secrets", "get volumes", "get bp", "get cfg", "top"})
    void theHelpOfACommandThatListsOrDescribesEndsWithExamples(String command) {
        KukeRun r = KukeRun.offline((command + " --help").split(" "));
        assertEquals(0, r.exit(), r.err());
        List<String> examples = r.out().lines().dropWhile(l -> !l.equals("Examples:")).skip(1).toList();
        assertTrue(examples.stream().filter(l -> l.startsWith("  kuke " + command.split(" ")[0])).count() >= 2, r.out());
        assertTrue(examples.stream().allMatch(l -> l.length() <= 80 && (l.startsWith("  kuke ") || l.startsWith("  # "))), r.out());
    }
}
