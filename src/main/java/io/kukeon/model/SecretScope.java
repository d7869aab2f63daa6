package io.kukeon.model;

/**
 * Where a Secret is held: a realm, space or stack, named by its path. A deeper coordinate requires
 * the shallower ones; each name obeys {@link Names}. A cell's own secrets (the reference has them)
 * are not supported yet: refused by name, so that a manifest asking for one is not half-served.
 */
public final class SecretScope {
    private SecretScope() {}

    static final String CELL_SCOPE = "a cell's own secrets are not supported yet; hold the secret in the cell's stack";

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
        if (depth == 4) {
            throw new InvalidArgumentException(fieldPrefix + "cell", CELL_SCOPE);
        }
        String[] segments = new String[depth];
        System.arraycopy(given, 0, segments, 0, depth);
        return ObjectPath.of(segments);
    }

    /** A scope path as the API carries it; a container's path is refused. */
    public static ObjectPath parse(String field, String text) {
        ObjectPath scope = ObjectPath.parse(field, text);
        if (scope.kind().depth() > Kind.STACK.depth()) {
            throw new InvalidArgumentException(field, "a secret is held by a realm, space or stack; " + CELL_SCOPE);
        }
        return scope;
    }

    /** A secret's name: the same rule as an object's. */
    public static String requireName(String field, String name) {
        return Names.require(field, name);
    }
}
