package io.kukeon.network;

import io.kukeon.model.KukeonException;

/** The host refused or failed an egress rule change (iptables missing, a rule refused, a chain collision). */
public final class EgressFailureException extends KukeonException {
    public EgressFailureException(String message) {
        super(message);
    }

    public EgressFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String kind() {
        return "EgressFailure";
    }
}
