package io.kukeon.model;

/**
 * Where a Secret is held: a realm, space, stack or cell (never a container), named by its path. A
 * deeper coordinate requires the shallower ones; each name obeys {@link Names}.
 */
public final class SecretScope {
    private SecretScope() {}

    /** Secrets one scope holds at most. */
    public static final int MAX_SECRETS = 64;

    /**
     * The scope's path from its coordinates (null or empty: not given), each checked under
     * {@code fieldPrefix} + its name (e.g. {@code metadata.space}).
     */
    public static ObjectPath of(String fieldPrefix, String realm, String space, String stack, String cell) {
        String[] given = {realm, space, stack, cell};
        String[] names = {"realm", "space", "stack", "cell"};
        int depth = 0;
        for (int i = 0; i < given.length; i++) {
            boolean present = given[i] != null && !given[i].isEmpty();
            if (present && depth < i) {
                throw new InvalidArgumentException(fieldPrefix + names[i], "needs " + fieldPrefix + names[i - 1]
                        + ": a deeper coordinate requires the shallower ones");
            }
            if (present) {
                Names.require(fieldPrefix + names[i], given[i]);
                depth = i + 1;
            }
        }
        if (depth == 0) {
            throw new InvalidArgumentException(fieldPrefix + "realm", "is required");
        }
        String[] segments = new String[depth];
        System.arraycopy(given, 0, segments, 0, depth);
        return ObjectPath.of(segments);
    }

    /**
     * A path as the API carries it for what only a realm, space or stack holds (a Volume, a template);
     * a deeper one is refused, saying what {@code what} is and {@code why} not there.
     */
    public static ObjectPath parseUpToStack(String field, String text, String what, String why) {
        ObjectPath scope = ObjectPath.parse(field, text);
        if (scope.kind().depth() > Kind.STACK.depth()) {
            throw new InvalidArgumentException(field, what + " is held by a realm, space or stack, not a "
                    + scope.kind().label() + why);
        }
        return scope;
    }

    /** A scope path as the API carries it; a container's path is refused. */
    public static ObjectPath parse(String field, String text) {
        ObjectPath scope = ObjectPath.parse(field, text);
        if (scope.kind() == Kind.CONTAINER) {
            throw new InvalidArgumentException(field, "a secret is held by a realm, space, stack or cell, not a container");
        }
        return scope;
    }

    /** A secret's name: the same rule as an object's. */
    public static String requireName(String field, String name) {
        return Names.require(field, name);
    }
}
