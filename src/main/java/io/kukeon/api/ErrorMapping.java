package io.kukeon.api;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.kukeon.fleet.CallFailed;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.KukeonException;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.RuntimeFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;

/**
 * The one place where a failure becomes a gRPC status. The status description is one human
 * line; the trailer {@value #KIND_KEY} holds the stable kind. No stack trace ever leaves.
 */
public final class ErrorMapping {
    public static final String KIND_KEY = "kukeon-error-kind";
    static final Metadata.Key<String> KIND = Metadata.Key.of(KIND_KEY, Metadata.ASCII_STRING_MARSHALLER);
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {}

    /** What the client gets for a failure: its status, and its kind in the trailers. */
    public static StatusRuntimeException grpcException(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        if (e instanceof StatusException s) {
            return new StatusRuntimeException(s.getStatus(), s.getTrailers());
        }
        return status(e).asRuntimeException(trailers(e instanceof KukeonException k ? k.kind() : "Internal"));
    }

    /** A failure here, as the member that routed the call here carries it back to its client. */
    static CallFailed forFleet(Throwable error) {
        StatusRuntimeException e = grpcException(error);
        Metadata trailers = e.getTrailers();
        String kind = trailers == null ? null : trailers.get(KIND);
        return new CallFailed(e.getStatus().getCode().value(), kind, e.getStatus().getDescription());
    }

    /** A failure on the member a call was routed to, as that member's own client would have seen it. */
    static Throwable fromFleet(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof CallFailed f) {
            return Status.fromCodeValue(f.code()).withDescription(f.getMessage()).asRuntimeException(trailers(f.kind()));
        }
        return e;
    }

    /** Trailers that carry the stable kind of a failure. */
    static Metadata trailers(String kind) {
        Metadata trailers = new Metadata();
        trailers.put(KIND, kind);
        return trailers;
    }

    static Status status(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof InvalidArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(message);
        }
        if (e instanceof NotFoundException) {
            return Status.NOT_FOUND.withDescription(message);
        }
        if (e instanceof FailedPreconditionException) {
            return Status.FAILED_PRECONDITION.withDescription(message);
        }
        if (e instanceof UnavailableException) {
            return Status.UNAVAILABLE.withDescription(message);
        }
        if (e instanceof ResourceExhaustedException) {
            return Status.RESOURCE_EXHAUSTED.withDescription(message);
        }
        if (e instanceof RuntimeFailure f) {
            return (RuntimeFailure.IMAGE_NOT_FOUND.equals(f.kind()) ? Status.NOT_FOUND
                    : "Unauthorized".equals(f.kind()) ? Status.PERMISSION_DENIED : Status.FAILED_PRECONDITION)
                    .withDescription(message);
        }
        if (e instanceof KukeonException) {
            return Status.FAILED_PRECONDITION.withDescription(message);
        }
        Status mistake = clientMistake(e);
        if (mistake != null) {
            LOG.debug("client mistake: {}", mistake.getDescription());
            return mistake;
        }
        // A bug of ours: the log gets the trace, the caller one line.
        LOG.error("internal error", e);
        return Status.INTERNAL.withDescription("internal error in kukeond: " + message);
    }

    /** What a client did wrong before its request reached a service (its bytes, not its fields); null if not that. */
    private static Status clientMistake(Throwable e) {
        if (e instanceof GrpcCalls.ClientGone) {
            return Status.CANCELLED.withDescription(e.getMessage());
        }
        if (e instanceof com.google.protobuf.InvalidProtocolBufferException) {
            return Status.INVALID_ARGUMENT.withDescription("the request is not a valid protobuf message of its call: "
                    + e.getMessage());
        }
        return null;
    }

    static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
