package io.kukeon.model;

/**
 * A failure the caller can act on. Each subclass is one domain failure with a stable
 * {@link #kind()} string; the API maps each to one gRPC status, in one place.
 */
public abstract class KukeonException extends RuntimeException {
    protected KukeonException(String message) {
        super(message, null, false, false);
    }

    protected KukeonException(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** A stable identifier of the failure, e.g. {@code InvalidArgument}, {@code CellNotFound}. */
    public abstract String kind();
}
