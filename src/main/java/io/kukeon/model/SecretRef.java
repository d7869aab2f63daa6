package io.kukeon.model;

/**
 * A container secret's value taken from a stored Secret ({@code secrets[].secretRef}). With
 * coordinates, exactly that scope's secret; without, the nearest scope above the container that
 * holds a secret of that name: its cell, then its stack, its space, its realm.
 */
public record SecretRef(String name, String realm, String space, String stack, String cell) {

    public SecretRef {
        realm = blankToNull(realm);
        space = blankToNull(space);
        stack = blankToNull(stack);
        cell = blankToNull(cell);
    }

    public boolean hasScope() {
        return realm != null || space != null || stack != null || cell != null;
    }

    /** The scope the coordinates name; null when there are none (the nearest scope holding the name). */
    public ObjectPath scope() {
        return hasScope() ? SecretScope.of("", realm, space, stack, cell) : null;
    }

    /** For messages: the secret and where it is looked for. */
    public String describe() {
        ObjectPath scope = hasScope() ? scope() : null;
        return "Secret \"" + name + "\"" + (scope == null ? " (nearest scope)" : " of " + scope.kind().label() + " \"" + scope + "\"");
    }

    public void validate(String field) {
        SecretScope.requireName(field + ".name", name);
        if (hasScope()) {
            SecretScope.of(field + ".", realm, space, stack, cell);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
