package io.kukeon.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where an object sits in the tree: its names from the realm down. Every segment obeys
 * {@link Names}; the depth gives the kind. This is the identity of an object: external IDs
 * (containerd namespace and container ID, cgroup path, persistence ID) derive from it.
 */
public record ObjectPath(List<String> segments) {
    private static final String[] FIELDS = {"realm", "space", "stack", "cell", "container"};
    private static final String SHAPE = "a path has 1 to 5 segments: realm/space/stack/cell/container";

    public ObjectPath {
        if (segments.isEmpty() || segments.size() > FIELDS.length) {
            throw new InvalidArgumentException("path", "has " + segments.size() + " segments; " + SHAPE);
        }
        List<String> copy = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            copy.add(Names.require(FIELDS[i], segments.get(i)));
        }
        segments = Collections.unmodifiableList(copy);
    }

    public static ObjectPath of(String... segments) {
        return new ObjectPath(List.of(segments));
    }

    /** Parses {@code realm/space/stack}; each segment is validated. */
    public static ObjectPath parse(String text) {
        return parse("path", text);
    }

    /** Parses a path given in the request field {@code field}; a wrong shape is an error naming that field. */
    public static ObjectPath parse(String field, String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidArgumentException(field, "is required");
        }
        String[] segments = text.split("/", FIELDS.length + 1);
        if (segments.length > FIELDS.length) {
            throw new InvalidArgumentException(field, "\"" + Names.printable(text) + "\" has more than "
                    + FIELDS.length + " segments; " + SHAPE);
        }
        return new ObjectPath(List.of(segments));
    }

    public Kind kind() {
        return Kind.values()[segments.size() - 1];
    }

    public String name() {
        return segments.get(segments.size() - 1);
    }

    public String realm() {
        return segments.get(0);
    }

    /** The name at the level of {@code kind}, or null when this path is shallower. */
    public String nameAt(Kind kind) {
        return kind.depth() < segments.size() ? segments.get(kind.depth()) : null;
    }

    /** The parent path, or null for a realm. */
    public ObjectPath parent() {
        return segments.size() == 1 ? null : new ObjectPath(segments.subList(0, segments.size() - 1));
    }

    /** The ancestor (or self) at the level of {@code kind}. */
    public ObjectPath ancestor(Kind kind) {
        if (kind.depth() >= segments.size()) {
            throw new IllegalArgumentException(kind + " is not above " + this);
        }
        return new ObjectPath(segments.subList(0, kind.depth() + 1));
    }

    public ObjectPath child(String name) {
        List<String> s = new ArrayList<>(segments);
        s.add(name);
        return new ObjectPath(s);
    }

    public boolean isAncestorOf(ObjectPath other) {
        return other.segments.size() > segments.size()
                && other.segments.subList(0, segments.size()).equals(segments);
    }

    /** True if this is {@code other} or one of its ancestors. */
    public boolean contains(ObjectPath other) {
        return equals(other) || isAncestorOf(other);
    }

    @Override
    public String toString() {
        return String.join("/", segments);
    }
}
