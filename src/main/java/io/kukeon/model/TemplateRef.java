package io.kukeon.model;

/**
 * A stored template named from elsewhere (a CellConfig's {@code blueprintRef}, a cell's
 * {@code provenance.bindingRef}): with coordinates exactly that realm, space or stack's; without,
 * the nearest scope holding the name from where it is looked up, like a {@link SecretRef}.
 */
public record TemplateRef(String name, String realm, String space, String stack) {

    public TemplateRef {
        realm = blankToNull(realm);
        space = blankToNull(space);
        stack = blankToNull(stack);
    }

    /** The reference to {@code name} held exactly at {@code scope} (a realm, space or stack). */
    public static TemplateRef at(ObjectPath scope, String name) {
        return new TemplateRef(name, scope.nameAt(Kind.REALM), scope.nameAt(Kind.SPACE), scope.nameAt(Kind.STACK));
    }

    public boolean hasScope() {
        return realm != null || space != null || stack != null;
    }

    /** The scope the coordinates name; null when there are none. */
    public ObjectPath scope() {
        return hasScope() ? TemplateScope.of("", realm, space, stack) : null;
    }

    public void validate(String field) {
        Names.require(field + ".name", name);
        if (hasScope()) {
            TemplateScope.of(field + ".", realm, space, stack);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
