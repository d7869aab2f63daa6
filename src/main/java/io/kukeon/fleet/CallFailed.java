package io.kukeon.fleet;

/**
 * A call routed to another node failed there (or did not reach it): the gRPC status it failed with,
 * carried across the cluster so that the client hears what it would have heard from that node.
 *
 * @see NodeCalls
 */
public final class CallFailed extends RuntimeException {
    private final int code;
    private final String kind;

    /**
     * @param code the gRPC status code's number
     * @param kind the stable kind of the failure (the API's error-kind trailer), may be empty
     */
    public CallFailed(int code, String kind, String message) {
        super(message, null, false, false);
        this.code = code;
        this.kind = kind == null ? "" : kind;
    }

    public int code() {
        return code;
    }

    public String kind() {
        return kind;
    }
}
