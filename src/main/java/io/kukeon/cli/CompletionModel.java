package io.kukeon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the completion scripts know of kuke without asking kukeond, read from its picocli model: the
 * visible commands (each by a key, {@code /get/secret}), their options and what completes each value
 * and positional parameter.
 */
final class CompletionModel {
    /** Labels of parameters that are paths on this host. */
    private static final Set<String> PATH_LABELS = Set.of("FILE", "TAR", "DIR");
    /** The positions of an unbounded positional parameter that the scripts list. */
    static final int MAX_POSITIONS = 10;

    private CompletionModel() {}

    /** What completes a value: nothing, fixed words, names from kukeond ({@link NameSource}) or files. */
    enum Source { NONE, WORDS, NAMES, FILES }

    record Values(Source source, List<String> words) {
        static final Values NONE = new Values(Source.NONE, List.of());
    }

    /** One command and its key: {@code /} for kuke itself, then the names from it, {@code /get/secret}. */
    record Node(String key, CommandSpec spec) {
        /** The first line of its description. */
        String summary() {
            String[] description = spec.usageMessage().description();
            return description.length == 0 ? "" : description[0];
        }

        List<Node> children() {
            List<Node> children = new ArrayList<>();
            for (CommandLine sub : new LinkedHashSet<>(spec.subcommands().values())) {
                if (!sub.getCommandSpec().usageMessage().hidden()) {
                    children.add(new Node(key.equals("/") ? "/" + sub.getCommandName() : key + "/" + sub.getCommandName(),
                            sub.getCommandSpec()));
                }
            }
            return children;
        }

        List<OptionSpec> options() {
            return spec.options().stream().filter(o -> !o.hidden()).toList();
        }

        /** Each position its positional parameters take, up to {@link #MAX_POSITIONS}, with what completes it. */
        List<Position> positions() {
            List<Position> positions = new ArrayList<>();
            for (PositionalParamSpec p : spec.positionalParameters()) {
                Values values = values(spec, p);
                int last = Math.min(p.index().max(), p.index().min() + MAX_POSITIONS - 1);
                for (int i = p.index().min(); i <= last && !p.hidden(); i++) {
                    positions.add(new Position(i, p, values));
                }
            }
            return positions;
        }
    }

    record Position(int index, PositionalParamSpec parameter, Values values) {}

    /** Every visible command of {@code root}, parents before their children. */
    static List<Node> commands(CommandLine root) {
        List<Node> all = new ArrayList<>();
        addWithChildren(new Node("/", root.getCommandSpec()), all);
        return all;
    }

    private static void addWithChildren(Node node, List<Node> all) {
        all.add(node);
        node.children().forEach(c -> addWithChildren(c, all));
    }

    /** What completes the value of {@code arg} of {@code command}. */
    static Values values(CommandSpec command, ArgSpec arg) {
        if (arg instanceof OptionSpec o && !CompletionLine.takesValue(o)) {
            return Values.NONE;
        }
        if (NameSource.of(command, arg) != null) {
            return new Values(Source.NAMES, List.of());
        }
        if (arg.converters().length > 0 && arg.converters()[0] instanceof KindName) {
            return words(new KindName.Candidates());
        }
        if (arg.type() == Output.class) {
            return words(Arrays.stream(OutputFormat.values())
                    .map(f -> f == OutputFormat.jsonpath ? f.name() + "=" : f.name()).toList());
        }
        if (arg.completionCandidates() != null) {
            return words(arg.completionCandidates());
        }
        if (arg.type() == Path.class || arg.type() == File.class || PATH_LABELS.contains(arg.paramLabel())) {
            return new Values(Source.FILES, List.of());
        }
        return Values.NONE;
    }

    private static Values words(Iterable<String> candidates) {
        List<String> words = new ArrayList<>();
        candidates.forEach(words::add);
        return words.isEmpty() ? Values.NONE : new Values(Source.WORDS, List.copyOf(words));
    }

    /** The names a command is typed by: its name, then its aliases. */
    static List<String> names(CommandSpec spec) {
        List<String> names = new ArrayList<>(List.of(spec.name()));
        names.addAll(List.of(spec.aliases()));
        return names;
    }
}
