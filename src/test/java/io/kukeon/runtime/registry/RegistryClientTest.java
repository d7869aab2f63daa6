package io.kukeon.runtime.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kukeon.model.RegistryCredential;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.oci.ChainIds;
import io.kukeon.runtime.oci.MediaTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Bearer-token flow against a small registry and token service on loopback (the real test
 * registry speaks Basic only): challenge, token request with the login, retry with the token.
 */
class RegistryClientTest {
    private static final String TOKEN = "tok-" + System.nanoTime();
    private static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + "c".repeat(64)
            + "\",\"size\":2},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] BLOB = "blob-bytes".getBytes(StandardCharsets.UTF_8);

    private HttpServer server;
    private String host;
    private final List<String> blobAuthorizations = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int port = server.getAddress().getPort();
        host = "127.0.0.1:" + port;
        server.createContext("/token", ex -> {
            String expected = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
            boolean scoped = ex.getRequestURI().getRawQuery().contains("scope=repository%3Ateam%2Fapp%3Apull")
                    && ex.getRequestURI().getRawQuery().contains("service=test-registry");
            if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization")) || !scoped) {
                reply(ex, 401, new byte[0], null);
            } else {
                reply(ex, 200, ("{\"token\":\"" + TOKEN + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8), "application/json");
            }
        });
        server.createContext("/v2/team/app/", ex -> {
            if (!("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host + "/token\",service=\"test-registry\","
                        + "scope=\"repository:team/app:pull\"");
                reply(ex, 401, new byte[0], null);
            } else if (ex.getRequestURI().getPath().contains("/manifests/")) {
                reply(ex, 200, MANIFEST, MediaTypes.OCI_MANIFEST);
            } else {
                // blobs live on another host (a CDN): the token must not follow the redirect there
                ex.getResponseHeaders().add("Location", "http://localhost:" + port + "/cdn/blob");
                reply(ex, 307, new byte[0], null);
            }
        });
        server.createContext("/cdn/blob", ex -> {
            blobAuthorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            reply(ex, 200, BLOB, "application/octet-stream");
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void reply(HttpExchange ex, int status, byte[] body, String type) throws IOException {
        if (type != null) {
            ex.getResponseHeaders().add("Content-Type", type);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    private RegistryClient client(RegistryCredential credential) {
        return new RegistryClient(http, ImageReference.parse(host + "/team/app:1"), credential, Duration.ofMinutes(10), true);
    }

    @Test
    void theBearerChallengeIsAnsweredWithATokenFetchedWithTheLogin() throws Exception {
        RegistryClient client = client(new RegistryCredential("alice", "s3cret", host));

        RegistryClient.Manifest m = client.manifest("1");

        assertArrayEquals(MANIFEST, m.body());
        assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
        assertEquals(ChainIds.sha256(MANIFEST), m.digest());
        try (InputStream in = client.blob("sha256:" + "c".repeat(64))) {
            assertArrayEquals(BLOB, in.readAllBytes());
        }
        assertEquals(List.of("null"), blobAuthorizations, "no Authorization header sent to the other host");
    }

    @Test
    void aRefusedLoginIsUnauthorizedAndTheMessageHoldsNoSecret() {
        RuntimeFailure e = assertThrows(RuntimeFailure.class,
                () -> client(new RegistryCredential("alice", "wrong-secret", "")).manifest("1"));

        assertEquals("Unauthorized", e.kind());
        assertTrue(e.getMessage().startsWith("unauthorized: "), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-secret"));
        assertFalse(e.getMessage().contains(TOKEN));
    }

    @Test
    void anAnonymousPullOfAPrivateRepositoryIsUnauthorized() {
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> client(null).manifest("1"));
        assertEquals("Unauthorized", e.kind());
        assertTrue(e.getMessage().contains("anonymous"), e.getMessage());
    }

    @Test
    void aManifestWhoseDigestDiffersFromTheRequestedOneIsRefused() {
        RuntimeFailure e = assertThrows(RuntimeFailure.class,
                () -> client(new RegistryCredential("alice", "s3cret", "")).manifest("sha256:" + "0".repeat(64)));
        assertEquals("InvalidImage", e.kind());
    }

    @Test
    void aRegistryNotListedAsInsecureIsSpokenToOverHttps() {
        // a plain-HTTP server never answers a TLS hello: the short timeout ends the wait
        RegistryClient tls = new RegistryClient(http, ImageReference.parse(host + "/team/app:1"), null,
                Duration.ofSeconds(1), false);
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> tls.manifest("1"));
        assertEquals("RegistryUnreachable", e.kind());
        assertTrue(e.getMessage().contains("is unreachable"), e.getMessage());
    }
}
