package io.kukeon.cli;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.kukeon.model.KukeonException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Any failure as the one human line the user sees. Errors from kukeond carry their own
 * description (e.g. {@code cell "web" not found in stack "default"}), printed as it comes; failures
 * to reach kukeond say where we tried and why.
 */
final class ErrorLine {
    /** Set by kukeond on every error it returns; its absence marks a transport failure. */
    static final Metadata.Key<String> ERROR_KIND = Metadata.Key.of("kukeon-error-kind", Metadata.ASCII_STRING_MARSHALLER);
    static final String UNAUTHENTICATED = "permission denied: bad or missing token (see --token-file)";

    private ErrorLine() {}

    /**
     * @param host         where kukeond was looked for
     * @param tokenProblem why no token was sent, or null
     */
    static String of(Throwable t, String host, String tokenProblem) {
        if (t instanceof StatusRuntimeException e) {
            return of(e.getStatus(), e.getTrailers(), host, tokenProblem);
        }
        if (t instanceof StatusException e) {
            return of(e.getStatus(), e.getTrailers(), host, tokenProblem);
        }
        if (t instanceof KukeonException) {
            return oneLine(t.getMessage());
        }
        if (t instanceof NoSuchFileException e) {
            return e.getFile() + ": no such file";
        }
        if (t instanceof AccessDeniedException e) {
            return e.getFile() + ": permission denied";
        }
        if (t instanceof IOException && t.getMessage() != null) {
            return oneLine(t.getMessage());
        }
        return "unexpected error: " + oneLine(t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }

    static String of(Status status, Metadata trailers, String host, String tokenProblem) {
        String description = status.getDescription() == null ? "" : oneLine(status.getDescription());
        boolean fromDaemon = trailers != null && trailers.get(ERROR_KIND) != null;
        return switch (status.getCode()) {
            case UNAVAILABLE -> fromDaemon && !description.isEmpty() ? description
                    : "cannot reach kukeond at " + host + ": " + unreachable(status);
            case UNAUTHENTICATED -> tokenProblem == null ? UNAUTHENTICATED
                    : "permission denied: bad or missing token (see --token-file; " + tokenProblem + ")";
            case DEADLINE_EXCEEDED -> "kukeond at " + host + " did not answer in time";
            case UNIMPLEMENTED -> "kukeond at " + host + " does not support this request; is it older than kuke "
                    + ClientVersion.get() + "?";
            case CANCELLED -> "cancelled";
            case INTERNAL, UNKNOWN -> "kukeond failed: " + (description.isEmpty() ? "internal error" : description);
            default -> description.isEmpty() ? status.getCode().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    : description;
        };
    }

    private static String unreachable(Status status) {
        for (Throwable c = status.getCause(); c != null; c = c.getCause()) {
            if (c instanceof javax.net.ssl.SSLException) {
                return "TLS failed (" + oneLine(String.valueOf(c.getMessage())) + "; see --ca-file, --cert-file and --key-file)";
            }
            if (c instanceof ConnectException) {
                String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
                return m.contains("refused") ? "connection refused" : m.contains("timed out") ? "connection timed out"
                        : m.contains("permission denied") ? "permission denied (the socket is for root and kukeond's socket-group)"
                        : "cannot connect (" + oneLine(String.valueOf(c.getMessage())) + ")";
            }
            if (c instanceof java.io.FileNotFoundException) {
                return "no such socket (is kukeond running?)";   // how Netty reports ENOENT on a unix socket
            }
            if (c instanceof UnknownHostException) {
                return "unknown host";
            }
            if (c instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (c instanceof SocketTimeoutException) {
                return "connection timed out";
            }
            if (c instanceof java.nio.channels.ClosedChannelException) {
                return "connection closed";
            }
            if (c instanceof IOException && c.getMessage() != null) {
                return oneLine(c.getMessage()).toLowerCase(Locale.ROOT);
            }
        }
        String d = status.getDescription();
        return d == null || d.isBlank() ? "unavailable" : oneLine(d);
    }

    static String oneLine(String s) {
        return s.strip().replaceAll("[;\\s]*\\R\\s*", "; ");
    }
}
