package io.kukeon.api;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.kukeon.secrets.FileModes;
import io.netty.channel.unix.DomainSocketAddress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Bearer-token authentication on TCP, in front of every service but health: a call without
 * {@code authorization: Bearer <token>} gets UNAUTHENTICATED before it reaches a service. A call on
 * the unix socket needs no token: the socket's mode and group already decided who may connect.
 */
public final class TokenAuth implements ServerInterceptor {
    private static final String HEALTH_SERVICE = "grpc.health.v1.Health";
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final byte[] expected;

    private TokenAuth(String token) {
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the token file, creating it (random, mode 0600) on first start. */
    public static TokenAuth fromFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            FileModes.writePrivateFile(file, (HexFormat.of().formatHex(random) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        String token = Files.readString(file).trim();
        if (token.isEmpty()) {
            throw new IOException("the token file " + file + " is empty; delete it to get a new token");
        }
        return new TokenAuth(token);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        boolean local = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) instanceof DomainSocketAddress;
        if (local || HEALTH_SERVICE.equals(call.getMethodDescriptor().getServiceName()) || authorized(headers)) {
            return next.startCall(call, headers);
        }
        call.close(Status.UNAUTHENTICATED.withDescription("missing or wrong token (authorization: Bearer <token>)"),
                ErrorMapping.trailers("Unauthenticated"));
        return new ServerCall.Listener<>() {};
    }

    private boolean authorized(Metadata headers) {
        String value = headers.get(AUTHORIZATION);
        return value != null && MessageDigest.isEqual(expected, value.getBytes(StandardCharsets.UTF_8));
    }
}
