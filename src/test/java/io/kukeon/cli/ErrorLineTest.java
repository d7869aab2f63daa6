package io.kukeon.cli;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Failures as kukeond (or the network) report them, turned into the one line the user reads. */
class ErrorLineTest {
    private static final String HOST = "127.0.0.1:7420";

    private static StatusRuntimeException fromDaemon(Status status, String kind) {
        Metadata trailers = new Metadata();
        trailers.put(ErrorLine.ERROR_KIND, kind);
        return status.asRuntimeException(trailers);
    }

    private static String line(Throwable t) {
        return ErrorLine.of(t, HOST, null);
    }

    @Test
    void notFoundIsTheDaemonsDescriptionAsItComes() {
        assertEquals("cell \"web\" not found in stack \"default\"", line(fromDaemon(
                Status.NOT_FOUND.withDescription("cell \"web\" not found in stack \"default\""), "CellNotFound")));
    }

    @Test
    void invalidArgumentAndFailedPreconditionAreTheDescriptionOnOneLine() {
        assertEquals("spec.containers[0].image: is required", line(fromDaemon(
                Status.INVALID_ARGUMENT.withDescription("spec.containers[0].image: is required"), "InvalidArgument")));
        assertEquals("space \"s1\" has 2 stacks; use --cascade to delete them or --force to skip the check",
                line(fromDaemon(Status.FAILED_PRECONDITION.withDescription(
                        "space \"s1\" has 2 stacks;\nuse --cascade to delete them or --force to skip the check\n"),
                        "ResourceHasDependencies")));
    }

    @Test
    void unauthenticatedPointsAtTheTokenFile() {
        StatusRuntimeException e = Status.UNAUTHENTICATED.withDescription("bad token").asRuntimeException();
        assertEquals("permission denied: bad or missing token (see --token-file)", line(e));
        assertEquals("permission denied: bad or missing token (see --token-file; /var/lib/kukeon/token does not exist)",
                ErrorLine.of(e, HOST, "/var/lib/kukeon/token does not exist"));
    }

    @Test
    void aRefusedConnectionSaysWhereWeTried() {
        StatusRuntimeException e = Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new ConnectException("Connection refused: /127.0.0.1:7420")).asRuntimeException();
        assertEquals("cannot reach kukeond at 127.0.0.1:7420: connection refused", line(e));
        assertEquals("cannot reach kukeond at 127.0.0.1:7420: unknown host", line(Status.UNAVAILABLE
                .withCause(new RuntimeException(new UnknownHostException("nohost"))).asRuntimeException()));
        assertEquals("cannot reach kukeond at 127.0.0.1:7420: connection reset by peer", line(Status.UNAVAILABLE
                .withDescription("io exception").withCause(new java.io.IOException("Connection reset by peer"))
                .asRuntimeException()));
        assertEquals("cannot reach kukeond at 127.0.0.1:7420: Network closed for unknown reason",
                line(Status.UNAVAILABLE.withDescription("Network closed for unknown reason").asRuntimeException()));
    }

    @Test
    void unavailableFromTheDaemonItselfIsItsDescription() {
        assertEquals("containerd is not reachable at /run/containerd/containerd.sock", line(fromDaemon(
                Status.UNAVAILABLE.withDescription("containerd is not reachable at /run/containerd/containerd.sock"),
                "RuntimeUnavailable")));
    }

    @Test
    void deadlinesInternalErrorsAndOldDaemonsAreNamed() {
        assertEquals("kukeond at 127.0.0.1:7420 did not answer in time", line(Status.DEADLINE_EXCEEDED.asRuntimeException()));
        assertEquals("kukeond failed: internal error", line(Status.INTERNAL.asRuntimeException()));
        assertEquals("kukeond failed: journal write failed", line(Status.UNKNOWN.withDescription("journal write failed").asRuntimeException()));
        assertEquals("kukeond at 127.0.0.1:7420 does not support this request; is it older than kuke " + ClientVersion.get() + "?",
                line(Status.UNIMPLEMENTED.asRuntimeException()));
        assertEquals("already exists", line(Status.ALREADY_EXISTS.asRuntimeException()));
    }

    @Test
    void localFailuresAreOneLineToo() {
        assertEquals("spec: bad", line(new InvalidArgumentException("spec", "bad")));
        assertEquals("/x/y.yaml: no such file", line(new NoSuchFileException("/x/y.yaml")));
        assertEquals("unexpected error: IllegalStateException: boom; second line", line(new IllegalStateException("boom\nsecond line")));
        assertEquals("unexpected error: NullPointerException", line(new NullPointerException()));
    }
}
