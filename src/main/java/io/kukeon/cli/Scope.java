package io.kukeon.cli;

import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** The scope flags {@code --realm --space --stack}, each defaulting to {@code default} as in the reference. */
final class Scope {
    @Option(names = "--realm", defaultValue = "default", description = "Realm (default: ${DEFAULT-VALUE}).")
    String realm;

    @Option(names = "--space", defaultValue = "default", description = "Space (default: ${DEFAULT-VALUE}).")
    String space;

    @Option(names = "--stack", defaultValue = "default", description = "Stack (default: ${DEFAULT-VALUE}).")
    String stack;

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

    /** Where objects of {@code kind} are listed: {@code realm/space/stack} for cells; empty for realms. */
    String parent(Kind kind, String cell) {
        return String.join("/", parentSegments(kind, cell));
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
