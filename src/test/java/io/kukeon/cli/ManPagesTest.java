package io.kukeon.cli;

import io.kukeon.cli.CompletionModel.Node;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kuke's man pages, one per command, and the examples every command's help ends with. */
class ManPagesTest {
    /** The man macros the pages use; any other line starting with a dot would be a page's text gone wrong. */
    private static final Set<String> MACROS = Set.of(".TH", ".SH", ".TP", ".PP", ".RS", ".RE", ".nf", ".fi");

    @TempDir
    Path work;

    @Test
    void everyCommandsHelpEndsWithTwoOrThreeExamplesThatParse() {
        CommandLine parser = Kuke.model();
        for (Node command : CompletionModel.commands(Kuke.model())) {
            String name = command.spec().qualifiedName();
            List<ManPages.Footer.Example> examples = ManPages.Footer.of(command.spec().usageMessage().footer()).examples();
            assertTrue(examples.size() >= 2 && examples.size() <= 3, name + ": " + examples);
            for (ManPages.Footer.Example e : examples) {
                assertTrue(!e.comment().isEmpty(), name + ": " + e);
                for (List<String> kuke : kukeCalls(e.command())) {
                    assertDoesNotThrow(() -> parser.parseArgs(kuke.toArray(String[]::new)), name + ": " + e.command());
                }
            }
        }
    }

    /** The kuke calls of a shell line ({@code kuke a && kuke b | kuke c}), their words unquoted; redirections left out. */
    private static List<List<String>> kukeCalls(String line) {
        List<List<String>> calls = new ArrayList<>();
        // a process substitution, <(kuke …), is a call of its own
        for (String part : line.replace("<(", "&& ").replace(")", " ").split("&&|\\|")) {
            List<String> words = new ArrayList<>();
            Matcher m = Pattern.compile("'([^']*)'|(\\S+)").matcher(part);
            while (m.find()) {
                if (m.group(2) != null && (m.group(2).startsWith("<") || m.group(2).startsWith(">"))) {
                    break;
                }
                words.add(m.group(1) != null ? m.group(1) : m.group(2).replace("'", ""));
            }
            if (!words.isEmpty() && words.get(0).equals("kuke")) {
                calls.add(words.subList(1, words.size()));
            }
        }
        assertTrue(!calls.isEmpty(), "an example runs kuke: " + line);
        return calls;
    }

    @Test
    void aPagePerCommandWithItsSectionsOptionsAndExamples() throws Exception {
        ShellFiles.write(work);
        CommandLine kuke = Kuke.model();
        List<Node> commands = CompletionModel.commands(kuke);
        Set<String> files = Files.list(work.resolve("man/man1")).map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        assertEquals(commands.stream().map(c -> ManPages.pageName(c.spec()) + ".1").collect(Collectors.toSet()), files);
        assertTrue(files.containsAll(List.of("kuke.1", "kuke-get.1", "kuke-get-secret.1", "kuke-image-load.1")));
        assertTrue(!files.contains("kuke-__complete.1"), "the hidden command has no page");

        for (Node command : commands) {
            String page = Files.readString(work.resolve("man/man1/" + ManPages.pageName(command.spec()) + ".1"));
            String name = ManPages.pageName(command.spec());
            assertTrue(page.startsWith(".TH \"" + ManPages.text(name.toUpperCase(java.util.Locale.ROOT)) + "\" 1 "), name);
            List<String> sections = page.lines().filter(l -> l.startsWith(".SH ")).toList();
            List<String> expected = new ArrayList<>(List.of(".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION"));
            if (!command.spec().positionalParameters().isEmpty()) {
                expected.add(".SH ARGUMENTS");
            }
            expected.add(".SH OPTIONS");
            if (!command.children().isEmpty()) {
                expected.add(".SH COMMANDS");
            }
            expected.addAll(List.of(".SH EXAMPLES", ".SH SEE ALSO"));
            assertEquals(expected, sections, name);
            assertTrue(page.lines().filter(l -> l.startsWith(".") || l.startsWith("'"))
                    .allMatch(l -> MACROS.contains(l.split(" ")[0])), name);
            for (OptionSpec o : command.options()) {
                assertTrue(page.contains("\\fB" + ManPages.text(o.longestName()) + "\\fR"), name + " " + o.longestName());
            }
            for (ManPages.Footer.Example e : ManPages.Footer.of(command.spec().usageMessage().footer()).examples()) {
                assertTrue(page.contains("\n\\fB" + ManPages.text(e.command()) + "\\fR\n"), name + " " + e.command());
            }
        }
        String get = Files.readString(work.resolve("man/man1/kuke-get.1"));
        assertTrue(get.contains(".SH NAME\nkuke\\-get \\- List the objects of a kind, or show one by name.\n"), get);
        assertTrue(get.contains("\n\\fBsecret\\fR (also secrets, sec)\n"), get);
        assertTrue(get.contains("See \\fBkuke\\-get\\-secret\\fR(1)."), get);
    }

    @Test
    void textIsTakenLiterallyByTroff() {
        assertEquals("\\-\\-realm", ManPages.text("--realm"));
        assertEquals("a \\e b", ManPages.text("a \\ b"));
        assertEquals("\\&.hidden", ManPages.text(".hidden"));
        assertEquals("\\&'quoted'", ManPages.text("'quoted'"));
        assertEquals("one\n\\&.two", ManPages.text("one\n.two"));
    }

    /** groff reads every page without a warning and man renders them: what an installed page must do. */
    @Tag("shell")
    @Test
    void groffAndManRenderEveryPageWithoutAWarning() throws Exception {
        ShellFiles.write(work);
        for (Path page : Files.list(work.resolve("man/man1")).sorted().toList()) {
            Map.Entry<Integer, String> groff = run("groff", "-man", "-Tutf8", "-ww", "-z", page.toString());
            assertEquals(Map.entry(0, ""), groff, page.getFileName().toString());
        }
        Map.Entry<Integer, String> man = run("man", "-l", "--warnings", work.resolve("man/man1/kuke-get.1").toString());
        assertEquals(0, man.getKey(), man.getValue());
        String shown = man.getValue().replaceAll(".\b", "");
        assertTrue(shown.contains("NAME\n       kuke-get - List the objects of a kind, or show one by name."), shown);
        assertTrue(shown.contains("EXAMPLES") && shown.contains("kuke get cells --realm demo --stack web"), shown);
    }

    /** The exit code and what a command printed on stdout and stderr. */
    private Map.Entry<Integer, String> run(String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(Map.of("MANWIDTH", "100", "MANPAGER", "cat", "PAGER", "cat", "LC_ALL", "C.UTF-8"));
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return Map.entry(p.exitValue(), out);
    }
}
