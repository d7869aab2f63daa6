package io.kukeon.model;

/** What becomes of a Volume's directory when the scope holding it is deleted. */
public enum ReclaimPolicy {
    /** The directory goes with its scope (the default). */
    Delete,
    /** The directory stays on disk; a Volume of the same name and scope created again adopts it. */
    Retain;

    /** Empty or null means Delete, as in the reference. */
    public static ReclaimPolicy parse(String field, String text) {
        if (text == null || text.isEmpty()) {
            return Delete;
        }
        for (ReclaimPolicy p : values()) {
            if (p.name().equals(text)) {
                return p;
            }
        }
        throw new InvalidArgumentException(field, "must be Delete or Retain (got \"" + Names.printable(text) + "\")");
    }
}
