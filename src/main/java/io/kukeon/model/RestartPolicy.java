package io.kukeon.model;

/** When a container that exited is started again. */
public enum RestartPolicy {
    NEVER("never"),
    ON_FAILURE("on-failure"),
    ALWAYS("always");

    private final String wire;

    RestartPolicy(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Empty means never, as in the reference. */
    public static RestartPolicy parse(String field, String text) {
        if (text == null || text.isEmpty()) {
            return NEVER;
        }
        for (RestartPolicy p : values()) {
            if (p.wire.equals(text)) {
                return p;
            }
        }
        throw new InvalidArgumentException(field, "must be one of never, on-failure, always (got \""
                + Names.printable(text) + "\")");
    }

    /** Does an exit with this code call for a restart under this policy? */
    public boolean restartsAfter(int exitCode) {
        return this == ALWAYS || (this == ON_FAILURE && exitCode != 0);
    }
}
