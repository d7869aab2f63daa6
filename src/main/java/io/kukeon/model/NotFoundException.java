package io.kukeon.model;

/** The object, or one of its parents, does not exist. */
public final class NotFoundException extends KukeonException {
    private final Kind objectKind;
    /** The object that does not exist, when known. */
    private final ObjectPath path;
    private final String heldKind;

    public NotFoundException(Kind kind, ObjectPath path) {
        super(describe(kind, path));
        this.objectKind = kind;
        this.path = path;
        this.heldKind = null;
    }

    public NotFoundException(String message, Kind kind) {
        this(message, kind, null);
    }

    /** @param heldKind what a scope holds that is not a tree node ("Secret", "Volume", "CellBlueprint"), when that is what is missing */
    private NotFoundException(String message, Kind kind, String heldKind) {
        super(message);
        this.objectKind = kind;
        this.path = null;
        this.heldKind = heldKind;
    }

    /** A Secret (not a tree node, so no {@link Kind}) that its scope does not hold. */
    public static NotFoundException secret(String name, ObjectPath scope) {
        return new NotFoundException("secret \"" + name + "\" not found in " + scope.kind().label() + " \"" + scope + "\"",
                null, "Secret");
    }

    /** A Volume (not a tree node either) that its scope does not hold. */
    public static NotFoundException volume(String name, ObjectPath scope) {
        return new NotFoundException("volume \"" + name + "\" not found in " + scope.kind().label() + " \"" + scope + "\"",
                null, "Volume");
    }

    /**
     * A CellBlueprint or CellConfig that is not held: exactly at {@code scope}, or (nearest) there
     * nor in any scope above it.
     */
    public static NotFoundException template(TemplateKind kind, String name, ObjectPath scope, boolean nearest) {
        return new NotFoundException(kind.label() + " \"" + name + "\" not found in " + scope.kind().label() + " \""
                + scope + "\"" + (nearest ? " nor above it" : ""), null, kind.kindName());
    }

    /** A node of the fleet (not a tree node either) that is not there as asked. */
    public static NotFoundException node(String message) {
        return new NotFoundException(message, null, "Node");
    }

    /** Whether it is this very object that does not exist (not one of its parents or children). */
    public boolean isAbout(ObjectPath object) {
        return path != null && path.equals(object);
    }

    private static String describe(Kind kind, ObjectPath path) {
        ObjectPath parent = path.parent();
        String where = parent == null ? "" : " in " + parent.kind().label() + " \"" + parent.name() + "\"";
        return kind.label() + " \"" + path.name() + "\" not found" + where;
    }

    @Override
    public String kind() {
        return (objectKind != null ? objectKind.displayName() : heldKind != null ? heldKind : "Secret") + "NotFound";
    }
}
