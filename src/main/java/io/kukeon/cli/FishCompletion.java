package io.kukeon.cli;

import io.kukeon.cli.CompletionModel.Node;
import io.kukeon.cli.CompletionModel.Position;
import io.kukeon.cli.CompletionModel.Values;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * kuke's fish completion script, written from the picocli model: a {@code complete} line for each
 * subcommand, option and positional parameter with its description, conditioned on where the line
 * stands (read as the bash script reads it), and {@code kuke __complete} for the names kukeond holds.
 */
final class FishCompletion {
    private FishCompletion() {}

    static String script(CommandLine root) {
        List<String> children = new ArrayList<>();
        List<String> takesValue = new ArrayList<>();
        StringBuilder completes = new StringBuilder();
        for (Node command : CompletionModel.commands(root)) {
            String key = command.key();
            for (Node child : command.children()) {
                children.add("        case " + cases(key, CompletionModel.names(child.spec())) + "\n            echo " + child.key());
                for (String name : CompletionModel.names(child.spec())) {
                    completes.append("complete -c kuke -n ").append(quote("__kuke_positional " + key + " 0"))
                            .append(" -a ").append(quote(name)).append(" -d ").append(quote(child.summary())).append('\n');
                }
            }
            for (OptionSpec o : command.options()) {
                completes.append("complete -c kuke -n ").append(quote("__kuke_at " + key)).append(option(o));
                if (CompletionLine.takesValue(o)) {
                    takesValue.add(cases(key, List.of(o.names())));
                    completes.append(values(CompletionModel.values(command.spec(), o), true));
                }
                completes.append(" -d ").append(quote(firstLine(o.renderedDescription()))).append('\n');
            }
            for (Position p : command.positions()) {
                if (p.values().source() != CompletionModel.Source.NONE) {
                    completes.append("complete -c kuke -n ").append(quote("__kuke_positional " + key + " " + p.index()))
                            .append(values(p.values(), false)).append(" -d ")
                            .append(quote(p.parameter().paramLabel())).append('\n');
                }
            }
        }
        return HEADER
                + "function __kuke_child --argument-names command word  # the command a word names under command\n"
                + "    switch \"$command $word\"\n" + children.stream().map(c -> c + "\n").collect(Collectors.joining())
                + "        case '*'\n            return 1\n    end\nend\n\n"
                + "function __kuke_takes_value --argument-names command option  # the option is followed by a value\n"
                + "    switch \"$command $option\"\n        case " + String.join(" ", takesValue) + "\n            return 0\n"
                + "    end\n    return 1\nend\n\n"
                + BODY + "\ncomplete -c kuke -f\n" + completes;
    }

    /** {@code -s o -l output -r}: its names, and that a value follows. */
    private static String option(OptionSpec o) {
        StringBuilder s = new StringBuilder();
        for (String name : o.names()) {
            if (name.startsWith("--")) {
                s.append(" -l ").append(name.substring(2));
            } else if (name.length() == 2) {
                s.append(" -s ").append(name.substring(1));
            } else {
                s.append(" -o ").append(name.substring(1));
            }
        }
        return s.toString();
    }

    /** What completes a value: an option's needs {@code -r} (required) and, unless files, {@code -f}. */
    private static String values(Values v, boolean option) {
        String required = option ? " -r" : "";
        switch (v.source()) {
            case NAMES: return required + " -f -a " + quote("(__kuke_names)");
            case FILES: return required + " -F";
            case WORDS: return required + " -f -a " + quote(String.join(" ", v.words()));
            default: return required + " -f";
        }
    }

    private static String cases(String key, List<String> words) {
        return words.stream().map(w -> quote(key + " " + w)).collect(Collectors.joining(" "));
    }

    private static String firstLine(String[] description) {
        return description.length == 0 ? "" : description[0];
    }

    /** In fish's single quotes, where only backslash and the quote itself are special. */
    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static final String HEADER = """
            # fish completion for kuke, the kukeon command line.
            # Written by 'kuke completion fish' from kuke's commands; object names come from kukeond
            # through 'kuke __complete' (quiet, and quick: nothing when kukeond does not answer).

            """;

    private static final String BODY = """
            # "COMMAND POSITIONAL": the command the line reached and how many positional parameters it was given
            function __kuke_state
                set -l command /
                set -l positional 0
                set -l valueof 0
                set -l end 0
                for word in (commandline -opc)[2..-1]
                    if test $valueof = 1
                        set valueof 0
                    else if test $end = 0; and test "$word" = --
                        set end 1
                    else if test $end = 0; and string match -qr -- '^-.' $word
                        if not string match -q -- '*=*' $word; and __kuke_takes_value $command $word
                            set valueof 1
                        end
                    else if test $positional = 0; and set -l child (__kuke_child $command $word)
                        set command $child
                    else
                        set positional (math $positional + 1)
                    end
                end
                echo $command $positional
            end

            function __kuke_at --argument-names command  # the line is at this command
                set -l state (string split ' ' -- (__kuke_state))
                test "$state[1]" = $command
            end

            function __kuke_positional --argument-names command index  # at this positional parameter of the command
                set -l state (string split ' ' -- (__kuke_state))
                test "$state[1]" = $command; and test "$state[2]" = $index
            end

            function __kuke_names  # the names kukeond holds for the word completed
                set -l words (commandline -opc)
                set -l current (commandline -ct)
                set -q current[1]; or set current ''
                $words[1] __complete -- $words[2..-1] $current 2>/dev/null
            end
            """;
}
