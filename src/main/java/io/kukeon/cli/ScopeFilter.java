package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.model.Names;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What a listing is narrowed to: each scope flag given ({@code --realm --space --stack --cell}) at
 * its level of a path; a flag left out matches every name there, as the reference's empty filter.
 * The leading levels given are a path prefix the daemon narrows to itself; the others are matched
 * here.
 */
final class ScopeFilter {
    /** The flags, outermost first: the level of each is its index in a path. */
    static final List<String> FLAGS = List.of("--realm", "--space", "--stack", "--cell");

    private final List<String> levels;

    /** @param levels realm, space, stack, cell (fewer allowed); null where the flag was not given */
    ScopeFilter(String... levels) {
        List<String> l = new ArrayList<>(Arrays.asList(levels));
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i) != null) {
                Names.require(FLAGS.get(i), l.get(i));
            }
        }
        this.levels = Collections.unmodifiableList(l);
    }

    /**
     * The filter of the flags the user gave on the command line of {@code mixee}: a flag with a
     * default ({@code --realm default}) counts only when given.
     *
     * @param values realm, space, stack, cell as the options hold them
     */
    static ScopeFilter given(CommandSpec mixee, String... values) {
        String[] given = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            given[i] = mixee.commandLine().getParseResult().hasMatchedOption(FLAGS.get(i)) ? values[i] : null;
        }
        return new ScopeFilter(given);
    }

    boolean isEverywhere() {
        return levels.stream().allMatch(l -> l == null);
    }

    /** The flag given deepest ({@code --stack}), or null when none was. */
    String deepestFlag() {
        for (int i = levels.size() - 1; i >= 0; i--) {
            if (levels.get(i) != null) {
                return FLAGS.get(i);
            }
        }
        return null;
    }

    /**
     * The leading levels given, at most {@code maxDepth} of them, as a path ({@code demo/shop}); empty
     * when {@code --realm} was not given: where the daemon can narrow a list (or a watch) itself.
     */
    String prefix(int maxDepth) {
        List<String> leading = new ArrayList<>();
        for (int i = 0; i < Math.min(maxDepth, levels.size()) && levels.get(i) != null; i++) {
            leading.add(levels.get(i));
        }
        return String.join("/", leading);
    }

    /** Each level given equals the path's name at that level; a path too short for one does not match. */
    boolean matches(String path) {
        String[] names = path.isEmpty() ? new String[0] : path.split("/", -1);
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i) != null && (i >= names.length || !levels.get(i).equals(names[i]))) {
                return false;
            }
        }
        return true;
    }

    /** {@code  in realm "demo", stack "web"} for messages; empty when nothing was given. */
    String where() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i) != null) {
                parts.add(Kind.values()[i].label() + " \"" + levels.get(i) + "\"");
            }
        }
        return parts.isEmpty() ? "" : " in " + String.join(", ", parts);
    }
}
