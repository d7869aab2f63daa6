package io.kukeon.model;

/** The request is larger than we accept. */
public final class ResourceExhaustedException extends KukeonException {
    public ResourceExhaustedException(String message) {
        super(message);
    }

    @Override
    public String kind() {
        return "ResourceExhausted";
    }
}
