package io.kukeon.model;

/** Where a CellBlueprint or CellConfig is held: a realm, space or stack (never a cell), as a Secret's scope. */
public final class TemplateScope {
    private TemplateScope() {}

    /** Blueprints, and configs, one scope holds at most (each). */
    public static final int MAX_TEMPLATES = 64;

    /** The scope's path from its coordinates, each checked under {@code fieldPrefix} + its name. */
    public static ObjectPath of(String fieldPrefix, String realm, String space, String stack) {
        return SecretScope.of(fieldPrefix, realm, space, stack, null);
    }

    /** A scope path as the API carries it: a realm, space or stack. */
    public static ObjectPath parse(String field, String text) {
        return SecretScope.parseUpToStack(field, text, "a template", "");
    }
}
