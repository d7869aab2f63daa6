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
 * kuke's bash completion script (also zsh's, through bashcompinit), written from the picocli model:
 * case tables of commands, options and fixed words, one function that reads the line, and
 * {@code kuke __complete} for the names kukeond holds.
 */
final class BashCompletion {
    private BashCompletion() {}

    static String script(CommandLine root) {
        List<Node> commands = CompletionModel.commands(root);
        List<String> children = new ArrayList<>();
        List<String> takesValue = new ArrayList<>();
        List<String> options = new ArrayList<>();
        List<String> subcommands = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Node command : commands) {
            for (Node child : command.children()) {
                children.add(caseLine(patterns(command.key(), CompletionModel.names(child.spec())), child.key()));
            }
            List<String> allOptions = new ArrayList<>();
            for (OptionSpec o : command.options()) {
                allOptions.addAll(List.of(o.names()));
                if (CompletionLine.takesValue(o)) {
                    takesValue.addAll(patterns(command.key(), List.of(o.names())));
                    Values v = CompletionModel.values(command.spec(), o);
                    if (v.source() != CompletionModel.Source.NONE) {
                        values.add(caseLine(patterns(command.key(), List.of(o.names())), words(v)));
                    }
                }
            }
            options.add(caseLine(List.of(quote(command.key())), String.join(" ", allOptions)));
            String subs = command.children().stream().flatMap(c -> CompletionModel.names(c.spec()).stream())
                    .collect(Collectors.joining(" "));
            if (!subs.isEmpty()) {
                subcommands.add(caseLine(List.of(quote(command.key())), subs));
            }
            for (Position p : command.positions()) {
                if (p.values().source() != CompletionModel.Source.NONE) {
                    values.add(caseLine(List.of(quote(command.key() + " #" + p.index())), words(p.values())));
                }
            }
        }
        return HEADER
                + function("__kuke_child", "the command a word names under command $1 (\"$1 $2\")", "$1 $2", children)
                + "__kuke_takes_value() {  # option $2 of command $1 is followed by a value\n"
                + "  case \"$1 $2\" in\n    " + String.join("|", takesValue) + ") return 0 ;;\n  esac\n  return 1\n}\n\n"
                + function("__kuke_options", "the options of command $1", "$1", options)
                + function("__kuke_subcommands", "the subcommands of command $1", "$1", subcommands)
                + function("__kuke_values", "what completes option $2 or positional #N of command $1: words, @names or @files",
                        "$1 $2", values)
                + BODY;
    }

    /** The names kukeond holds or files, as markers for the body; else the words. */
    private static String words(Values v) {
        switch (v.source()) {
            case NAMES: return "@names";
            case FILES: return "@files";
            default: return String.join(" ", v.words());
        }
    }

    private static List<String> patterns(String key, List<String> words) {
        return words.stream().map(w -> quote(key + " " + w)).toList();
    }

    private static String caseLine(List<String> patterns, String echoed) {
        return String.join("|", patterns) + ") echo " + quote(echoed) + " ;;";
    }

    private static String function(String name, String comment, String subject, List<String> cases) {
        return name + "() {  # " + comment + "\n  case \"" + subject + "\" in\n"
                + cases.stream().map(c -> "    " + c + "\n").collect(Collectors.joining()) + "  esac\n}\n\n";
    }

    /** In double quotes: the model's words hold no quote, dollar, backquote or backslash; refused if one ever does. */
    private static String quote(String word) {
        if (word.matches(".*[\"$`\\\\].*")) {
            throw new IllegalArgumentException("cannot quote " + word);
        }
        return "\"" + word + "\"";
    }

    private static final String HEADER = """
            # bash completion for kuke, the kukeon command line; zsh runs it through bashcompinit.
            # Written by 'kuke completion bash' from kuke's commands; object names come from kukeond
            # through 'kuke __complete' (quiet, and quick: nothing when kukeond does not answer).

            """;

    private static final String BODY = """
            _kuke() {
              local cur=${COMP_WORDS[COMP_CWORD]} command=/ word child valueof="" end="" words
              local -i i positional=0
              for ((i = 1; i < COMP_CWORD; i++)); do
                word=${COMP_WORDS[i]}
                if [ -n "$valueof" ]; then
                  valueof=""
                elif [ -z "$end" ] && [ "$word" = "--" ]; then
                  end=1
                elif [ -z "$end" ] && [[ $word == -?* ]]; then
                  if [[ $word != *=* ]] && __kuke_takes_value "$command" "$word"; then valueof=$word; fi
                elif ((positional == 0)) && child=$(__kuke_child "$command" "$word") && [ -n "$child" ]; then
                  command=$child
                else
                  positional=$((positional + 1))
                fi
              done
              if [ -n "$valueof" ]; then
                words=$(__kuke_values "$command" "$valueof")
              elif [ -z "$end" ] && [[ $cur == -* ]]; then
                words=$(__kuke_options "$command")
              else
                words=$(__kuke_values "$command" "#$positional")
                if ((positional == 0)); then words="$(__kuke_subcommands "$command") $words"; fi
              fi
              local names="" fixed
              local -a line=()
              case " $words " in
                *" @names "*)
                  # the words after kuke up to the one completed (a loop: zsh reads ${a[@]:1:n} otherwise)
                  for ((i = 1; i <= COMP_CWORD; i++)); do line+=("${COMP_WORDS[i]}"); done
                  names=$("${COMP_WORDS[0]}" __complete -- "${line[@]}" 2>/dev/null) ;;
              esac
              COMPREPLY=()
              case " $words " in
                *" @files "*) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
              esac
              fixed=${words//@names/}
              COMPREPLY+=($(compgen -W "${fixed//@files/} $names" -- "$cur"))
              # a kind and its slash (events cell/): the name follows, not a space
              if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == */ ]]; then compopt -o nospace 2>/dev/null; fi
            }

            complete -F _kuke kuke
            """;
}
