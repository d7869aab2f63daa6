package io.kukeon.api;

import io.kukeon.secrets.FileModes;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Bearer-token authentication in front of every service but health: a call without
 * {@code authorization: Bearer <token>} gets UNAUTHENTICATED before it reaches a service.
 */
public final class TokenAuth {
    private static final String HEALTH_PREFIX = "/grpc.health.v1.Health/";
    private static final ContentType GRPC = org.apache.pekko.http.javadsl.model.ContentTypes.parse("application/grpc");

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

    public Function<HttpRequest, CompletionStage<HttpResponse>> guard(
            Function<HttpRequest, CompletionStage<HttpResponse>> services, Materializer materializer) {
        return request -> {
            if (request.getUri().path().startsWith(HEALTH_PREFIX) || authorized(request)) {
                return services.apply(request);
            }
            request.discardEntityBytes(materializer);
            return CompletableFuture.completedFuture(unauthenticated());
        };
    }

    private boolean authorized(HttpRequest request) {
        return request.getHeader("authorization")
                .map(h -> MessageDigest.isEqual(expected, h.value().getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
    }

    /** A trailers-only gRPC response: HTTP 200 with grpc-status 16. */
    private static HttpResponse unauthenticated() {
        return HttpResponse.create()
                .withEntity(HttpEntities.create(GRPC, new byte[0]))
                .addHeader(RawHeader.create("grpc-status", "16"))
                .addHeader(RawHeader.create("grpc-message", "missing or wrong token (authorization: Bearer <token>)"))
                .addHeader(RawHeader.create(ErrorMapping.KIND_KEY, "Unauthenticated"));
    }
}
