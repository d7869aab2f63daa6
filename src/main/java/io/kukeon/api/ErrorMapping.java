package io.kukeon.api;

import io.grpc.Status;
import io.kukeon.model.FailedPreconditionException;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.KukeonException;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.UnavailableException;
import io.kukeon.runtime.RuntimeFailure;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.grpc.GrpcServiceException;
import org.apache.pekko.grpc.Trailers;
import org.apache.pekko.grpc.javadsl.MetadataBuilder;
import org.apache.pekko.http.scaladsl.model.http2.PeerClosedStreamException;
import org.apache.pekko.japi.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;

/**
 * The one place where a failure becomes a gRPC status. The status description is one human
 * line; the trailer {@value #KIND_KEY} holds the stable kind. No stack trace ever leaves.
 */
public final class ErrorMapping {
    public static final String KIND_KEY = "kukeon-error-kind";
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {}

    /** For pekko-grpc's handler factories: every exception a service method fails with passes here. */
    public static Function<ActorSystem, Function<Throwable, Trailers>> handler() {
        return system -> ErrorMapping::trailers;
    }

    public static Trailers trailers(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof GrpcServiceException g) {
            return new Trailers(g.status(), g.metadata());
        }
        Status status = status(e);
        String kind = e instanceof KukeonException k ? k.kind() : "Internal";
        return new Trailers(status, new MetadataBuilder().addText(KIND_KEY, kind).build().asScala());
    }

    /** The exception a service method fails with, for places that build their own responses. */
    public static GrpcServiceException exception(Throwable error) {
        Trailers t = trailers(error);
        return new GrpcServiceException(t.status(), t.metadata());
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
        if (e instanceof PeerClosedStreamException) {
            return Status.CANCELLED.withDescription("the client closed the call before sending all of its request");
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
