package io.kukeon.model;

/**
 * Where a Volume is held: a realm, space or stack (never a cell, which a volume is to outlive, nor a
 * container), named by its path. A deeper coordinate requires the shallower ones, as a Secret's.
 */
public final class VolumeScope {
    private VolumeScope() {}

    /** Volumes one scope holds at most. */
    public static final int MAX_VOLUMES = 64;

    /** The scope's path from its coordinates (null or empty: not given), each checked under {@code fieldPrefix}. */
    public static ObjectPath of(String fieldPrefix, String realm, String space, String stack) {
        return SecretScope.of(fieldPrefix, realm, space, stack, null);
    }

    /** A scope path as the API carries it; a cell's or a container's path is refused. */
    public static ObjectPath parse(String field, String text) {
        return SecretScope.parseUpToStack(field, text, "a volume", " (a volume outlives the cells that mount it)");
    }

    /** A volume's name: the same rule as an object's. */
    public static String requireName(String field, String name) {
        return Names.require(field, name);
    }
}
