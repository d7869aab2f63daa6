package io.kukeon.model;

/** A component we depend on (containerd, the journal) cannot be reached right now; retry later. */
public final class UnavailableException extends KukeonException {
    /** The kind of every failure that is containerd not answering. */
    public static final String RUNTIME_UNAVAILABLE = "RuntimeUnavailable";

    private final String kind;

    public UnavailableException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    public UnavailableException(String kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    @Override
    public String kind() {
        return kind;
    }
}
