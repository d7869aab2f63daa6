package io.kukeon.cli;

import io.kukeon.cli.CompletionModel.Node;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * kuke's man pages in troff (the man macros), written from the picocli model: {@code kuke.1} and
 * one per command ({@code kuke-get.1}, {@code kuke-get-secret.1}). Ours rather than picocli-codegen's
 * ManPageGenerator, which writes AsciiDoc and would need asciidoctor (Ruby) in the build to become
 * troff; the man macros need a few lines, and the examples come from each command's help footer.
 */
final class ManPages {
    private ManPages() {}

    /** Each page by its file name, kuke's first. */
    static Map<String, String> pages(CommandLine root) {
        Map<String, String> pages = new LinkedHashMap<>();
        for (Node command : CompletionModel.commands(root)) {
            pages.put(pageName(command.spec()) + ".1", page(command));
        }
        return pages;
    }

    /** {@code kuke-get-secret}: the command's words joined, as man pages of subcommands are named. */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    private static String page(Node command) {
        CommandSpec spec = command.spec();
        StringBuilder page = new StringBuilder();
        page.append(".TH ").append(quoted(pageName(spec).toUpperCase(Locale.ROOT))).append(" 1 \"\" ")
                .append(quoted("kuke " + ClientVersion.get())).append(" \"kukeon manual\"\n");
        page.append(".SH NAME\n").append(text(spec.qualifiedName("-"))).append(" \\- ").append(text(command.summary())).append('\n');
        page.append(".SH SYNOPSIS\n.nf\n").append(text(spec.commandLine().getHelp().synopsis(0).strip())).append("\n.fi\n");

        Footer footer = Footer.of(spec.usageMessage().footer());
        page.append(".SH DESCRIPTION\n");
        for (String line : lines(spec.usageMessage().description())) {
            page.append(line.isBlank() ? ".PP\n" : text(line) + "\n");
        }
        footer.notes().forEach(n -> page.append(".PP\n").append(text(n)).append('\n'));

        List<PositionalParamSpec> parameters = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!parameters.isEmpty()) {
            page.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : parameters) {
                page.append(".TP\n\\fI").append(text(p.paramLabel())).append("\\fR\n")
                        .append(text(String.join(" ", lines(p.renderedDescription())))).append('\n');
            }
        }
        page.append(".SH OPTIONS\n");
        for (OptionSpec o : command.options()) {
            page.append(".TP\n").append(optionTerm(o)).append('\n')
                    .append(text(String.join(" ", lines(o.renderedDescription())))).append('\n');
        }
        List<Node> children = command.children();
        if (!children.isEmpty()) {
            page.append(".SH COMMANDS\n");
            for (Node child : children) {
                List<String> names = CompletionModel.names(child.spec());
                page.append(".TP\n\\fB").append(text(names.get(0))).append("\\fR")
                        .append(names.size() > 1 ? text(" (also " + String.join(", ", names.subList(1, names.size())) + ")") : "")
                        .append('\n').append(text(child.summary())).append(" See \\fB").append(text(pageName(child.spec())))
                        .append("\\fR(1).\n");
            }
        }
        if (!footer.examples().isEmpty()) {
            page.append(".SH EXAMPLES\n");
            for (Footer.Example e : footer.examples()) {
                page.append(".PP\n").append(text(e.comment())).append("\n.RS 4\n.nf\n\\fB").append(text(e.command()))
                        .append("\\fR\n.fi\n.RE\n");
            }
        }
        page.append(".SH SEE ALSO\n").append(seeAlso(spec, children)).append('\n');
        return page.toString();
    }

    /** {@code \fB\-o\fR, \fB\-\-output\fR=\fIFORMAT\fR}. */
    private static String optionTerm(OptionSpec o) {
        List<String> names = new ArrayList<>();
        for (String name : o.names()) {
            names.add("\\fB" + text(name) + "\\fR");
        }
        return String.join(", ", names) + (CompletionLine.takesValue(o) ? "=\\fI" + text(o.paramLabel()) + "\\fR" : "");
    }

    private static String seeAlso(CommandSpec spec, List<Node> children) {
        List<String> pages = new ArrayList<>();
        if (spec.parent() != null) {
            pages.add(pageName(spec.parent()));
        }
        children.forEach(c -> pages.add(pageName(c.spec())));
        if (spec.parent() == null) {
            pages.add("kukeond");
        }
        return String.join(", ", pages.stream().map(p -> "\\fB" + text(p) + "\\fR(" + (p.equals("kukeond") ? "8" : "1") + ")").toList());
    }

    /** Description lines as help prints them: {@code %n} a line break, {@code %%} a percent sign. */
    private static List<String> lines(String[] description) {
        List<String> lines = new ArrayList<>();
        for (String d : description) {
            lines.addAll(List.of(d.replace("%n", "\n").replace("%%", "%").split("\n", -1)));
        }
        return lines;
    }

    /**
     * Text as troff reads it literally: a backslash is {@code \e}, a hyphen {@code \-} (a minus, as
     * options are typed), and a line never starts with a control character.
     */
    static String text(String s) {
        String escaped = s.replace("\\", "\\e").replace("-", "\\-");
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped.replace("\n.", "\n\\&.")
                .replace("\n'", "\n\\&'");
    }

    private static String quoted(String s) {
        return "\"" + text(s).replace("\"", "\\(dq") + "\"";
    }

    /**
     * A help footer read back: the pairs of {@code # comment} and command after its
     * {@code Examples:} line, and any other text.
     */
    record Footer(List<String> notes, List<Example> examples) {
        record Example(String comment, String command) {}

        static Footer of(String[] footer) {
            List<String> notes = new ArrayList<>();
            List<Example> examples = new ArrayList<>();
            boolean inExamples = false;
            String comment = null;
            for (String line : lines(footer)) {
                String l = line.strip();
                if (l.equals("Examples:")) {
                    inExamples = true;
                } else if (l.isEmpty()) {
                    continue;
                } else if (!inExamples) {
                    notes.add(l);
                } else if (l.startsWith("#")) {
                    comment = l.substring(1).strip();
                } else {
                    examples.add(new Example(comment == null ? "" : comment, l));
                    comment = null;
                }
            }
            return new Footer(List.copyOf(notes), List.copyOf(examples));
        }
    }
}
