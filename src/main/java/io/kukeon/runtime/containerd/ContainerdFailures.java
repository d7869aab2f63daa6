package io.kukeon.runtime.containerd;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.RuntimeFailure;

/** Turns gRPC failures of containerd calls into our two failure types, in one place. */
final class ContainerdFailures {
    private ContainerdFailures() {}

    static boolean isNotFound(StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.NOT_FOUND;
    }

    static boolean isAlreadyExists(StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.ALREADY_EXISTS;
    }

    /**
     * UNAVAILABLE (socket missing, connection refused or lost), an expired deadline and containerd
     * shutting down mean containerd is not answering; everything else is containerd refusing the request.
     */
    static RuntimeException translate(String action, String socket, StatusRuntimeException e) {
        Status s = e.getStatus();
        String detail = s.getDescription() == null ? s.getCode().name() : s.getDescription();
        if (s.getCode() == Status.Code.UNAVAILABLE || s.getCode() == Status.Code.DEADLINE_EXCEEDED
                || s.getCode() == Status.Code.CANCELLED && s.getCause() != null || shuttingDown(s, detail)) {
            String why = s.getCause() != null && s.getCause().getMessage() != null ? s.getCause().getMessage() : detail;
            return new UnavailableException(UnavailableException.RUNTIME_UNAVAILABLE,
                    "containerd at " + socket + " is not answering (" + action + "): " + why, e);
        }
        return new RuntimeFailure("RuntimeError", action + ": containerd says " + s.getCode() + ": " + detail, e);
    }

    /** containerd going down answers the calls it was passing to a shim with UNKNOWN "channel closed". */
    private static boolean shuttingDown(Status s, String detail) {
        return s.getCode() == Status.Code.UNKNOWN && (detail.contains("channel closed") || detail.contains("ttrpc: closed"));
    }
}
