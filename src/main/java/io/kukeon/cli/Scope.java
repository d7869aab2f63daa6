package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;

/**
 * The scope flags {@code --realm --space --stack}: of one object, each defaulting to {@code default}
 * as in the reference; of a list, a {@link ScopeFilter} of those given (left out: every name).
 */
final class Scope {
    @Option(names = "--realm", defaultValue = "default",
            description = "Realm of one object (default: ${DEFAULT-VALUE}); a list without it covers every realm.")
    String realm;

    @Option(names = "--space", defaultValue = "default",
            description = "Space of one object (default: ${DEFAULT-VALUE}); a list without it covers every space.")
    String space;

    @Option(names = "--stack", defaultValue = "default",
            description = "Stack of one object (default: ${DEFAULT-VALUE}); a list without it covers every stack.")
    String stack;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /**
     * What a list is narrowed to: the flags given on the command line (not their defaults).
     *
     * @param cell the command's {@code --cell}, null when not given
     */
    ScopeFilter filter(String cell) {
        return ScopeFilter.given(mixee, realm, space, stack, cell);
    }

    /**
     * The path of object {@code name} of {@code kind} in this scope; names are checked.
     *
     * @param cell the cell, for containers (null otherwise)
     */
    ObjectPath path(Kind kind, String name, String cell) {
        List<String> segments = new ArrayList<>(parentSegments(kind, cell));
        segments.add(name);
        return new ObjectPath(segments);
    }

    /** {@code stack "default"}: the parent, for messages; null for realms. */
    String describeParent(Kind kind, String cell) {
        List<String> p = parentSegments(kind, cell);
        if (p.isEmpty()) {
            return null;
        }
        return Kind.values()[p.size() - 1].label() + " \"" + p.get(p.size() - 1) + "\"";
    }

    private List<String> parentSegments(Kind kind, String cell) {
        List<String> all = new ArrayList<>(List.of(realm, space, stack));
        if (cell != null) {
            all.add(cell);
        }
        int depth = Math.min(kind.depth(), all.size());
        return all.subList(0, depth);
    }
}
