package io.kukeon.model;

/**
 * The Volume a container's {@code kind: volume} mount names ({@code volumeRef}). With coordinates,
 * exactly that scope's volume; without, the nearest scope above the container's cell that holds a
 * volume of that name: its stack, its space, its realm.
 */
public record VolumeRef(String name, String realm, String space, String stack) {

    public VolumeRef {
        realm = blankToNull(realm);
        space = blankToNull(space);
        stack = blankToNull(stack);
    }

    public boolean hasScope() {
        return realm != null || space != null || stack != null;
    }

    /** The scope the coordinates name; null when there are none (the nearest scope holding the name). */
    public ObjectPath scope() {
        return hasScope() ? VolumeScope.of("", realm, space, stack) : null;
    }

    /** For messages: the volume and where it is looked for. */
    public String describe() {
        ObjectPath scope = scope();
        return "Volume \"" + name + "\"" + (scope == null ? " (nearest scope)" : " of " + scope.kind().label() + " \"" + scope + "\"");
    }

    public void validate(String field) {
        VolumeScope.requireName(field + ".name", name);
        if (hasScope()) {
            VolumeScope.of(field + ".", realm, space, stack);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
