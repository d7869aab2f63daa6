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

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;

/**
 * The one place where a failure becomes a gRPC status. The status description is one human
 * line; the trailer {@value #KIND_KEY} holds the stable kind. No stack trace ever leaves.
 */
public final class ErrorMapping {
    public static final String KIND_KEY = "kukeon-error-kind";
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ErrorMapping() {}

    /** For pekko-grpc's handler factories: every exception a service method fails with passes here. */
    public static Function<ActorSystem, Function<Throwable, Trailers>> handler() {
        return system -> ErrorMapping::trailers;
    }

    public static Trailers trailers(Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof GrpcServiceException g) {
            return new Trailers(g.status(), g.metadata());   // made by exception(): escaped already
        }
        Status status = status(e);
        String kind = e instanceof KukeonException k ? k.kind() : "Internal";
        return new Trailers(forPekkoGrpc(status), new MetadataBuilder().addText(KIND_KEY, kind).build().asScala());
    }

    /**
     * The status with its description escaped once more, so that it reaches the client exactly as
     * written. pekko-grpc (1.1.1) builds the grpc-message header through the header's parser, which
     * percent-decodes the description before encoding it for the wire: {@code sec-%61bc} arrived
     * as {@code sec-abc}, and next to a {@code %} every non-ASCII character became {@code ?}.
     * Escaping {@code %} and every non-ASCII byte makes that decoding give back the description,
     * and in pure ASCII. {@code cli.ErrorDescriptionsTest} fails if pekko-grpc stops decoding.
     */
    static Status forPekkoGrpc(Status status) {
        String description = status.getDescription();
        return description == null ? status : status.withDescription(percentEscaped(description));
    }

    private static String percentEscaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            if (b == '%' || b < 0) {
                out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
            } else {
                out.append((char) b);
            }
        }
        return out.toString();
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
