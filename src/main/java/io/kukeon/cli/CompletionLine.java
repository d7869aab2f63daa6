package io.kukeon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the word being completed stands in a command line typed so far, read against kuke's
 * picocli model: the command reached, the options given before it, and what the word is (the
 * value of an option, or a positional parameter). Unknown words are passed over: a line being
 * typed is rarely valid yet.
 *
 * @param command    the deepest command the words name
 * @param options    the value of each option given, by its longest name ({@code --realm})
 * @param positional the positional parameters given to {@code command}
 * @param completing the option or positional parameter the word is a value of; null when none
 * @param prefix     what the word holds of that value so far ({@code --realm=de}: {@code de})
 */
record CompletionLine(CommandSpec command, Map<String, String> options, List<String> positional, ArgSpec completing,
                      String prefix) {

    /**
     * @param root  kuke's command
     * @param words the words after {@code kuke}, the last one being the word completed (maybe empty)
     */
    static CompletionLine read(CommandSpec root, List<String> words) {
        CommandSpec command = root;
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        OptionSpec valueOf = null;
        boolean endOfOptions = false;
        for (String word : words.subList(0, Math.max(0, words.size() - 1))) {
            if (valueOf != null) {
                options.put(valueOf.longestName(), word);
                valueOf = null;
            } else if (!endOfOptions && word.equals("--")) {
                endOfOptions = true;
            } else if (!endOfOptions && word.startsWith("-") && word.length() > 1) {
                int equals = word.indexOf('=');
                OptionSpec option = command.findOption(equals > 0 ? word.substring(0, equals) : word);
                if (option != null && takesValue(option)) {
                    if (equals > 0) {
                        options.put(option.longestName(), word.substring(equals + 1));
                    } else {
                        valueOf = option;
                    }
                }
            } else if (positional.isEmpty() && command.subcommands().containsKey(word)) {
                command = command.subcommands().get(word).getCommandSpec();
            } else {
                positional.add(word);
            }
        }
        String current = words.isEmpty() ? "" : words.get(words.size() - 1);
        ArgSpec completing = valueOf != null ? valueOf : positionalAt(command, positional.size());
        int equals = current.indexOf('=');
        if (valueOf == null && !endOfOptions && current.startsWith("-") && equals > 0) {
            completing = command.findOption(current.substring(0, equals));
            current = current.substring(equals + 1);
        }
        return new CompletionLine(command, Collections.unmodifiableMap(options), List.copyOf(positional), completing, current);
    }

    /** An option followed by a value (not a flag). */
    static boolean takesValue(OptionSpec option) {
        return option.arity().max() > 0;
    }

    /**
     * The value of a scope option as it applies here: given on the line, else (when {@code defaulted})
     * its default; null when neither.
     */
    String option(String name, boolean defaulted) {
        String given = options.get(name);
        if (given != null || !defaulted) {
            return given;
        }
        OptionSpec option = command.findOption(name);
        return option == null ? null : option.defaultValue();
    }

    private static PositionalParamSpec positionalAt(CommandSpec command, int index) {
        for (PositionalParamSpec p : command.positionalParameters()) {
            CommandLine.Range range = p.index();
            if (index >= range.min() && index <= range.max()) {
                return p;
            }
        }
        return null;
    }
}
