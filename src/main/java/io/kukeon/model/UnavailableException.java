package io.kukeon.model;

/** A component we depend on (containerd, the journal) cannot be reached right now; retry later. */
public final class UnavailableException extends KukeonException {
    /** The kind of every failure that is containerd not answering. */
    public static final String RUNTIME_UNAVAILABLE = "RuntimeUnavailable";
    /** The kind of every failure that is the journal not taking a write or a read. */
    public static final String JOURNAL_UNAVAILABLE = "JournalUnavailable";

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
