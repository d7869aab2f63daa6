package io.kukeon.model;

/** The object is not in a state that allows the request (children without cascade, wrong state). */
public final class FailedPreconditionException extends KukeonException {
    private final String kind;

    public FailedPreconditionException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    @Override
    public String kind() {
        return kind;
    }
}
