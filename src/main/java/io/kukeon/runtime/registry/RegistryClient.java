package io.kukeon.runtime.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kukeon.model.RegistryCredential;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.runtime.oci.ChainIds;
import io.kukeon.runtime.oci.MediaTypes;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Reads one repository of an OCI distribution (v2) registry: manifests and blobs. Answers a 401
 * with the challenge's scheme: Basic with the credential, or Bearer with a token fetched from the
 * challenge's realm. The credential and tokens never leave the Authorization header: no message
 * or log line carries them.
 */
public final class RegistryClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_MANIFEST = 16 << 20;
    private static final int MAX_TOKEN_RESPONSE = 1 << 20;

    /** A fetched manifest (or index) with the media type the registry gave it. */
    public record Manifest(byte[] body, String mediaType, String digest) {}

    private final HttpClient http;
    private final ImageReference ref;
    private final RegistryCredential credential;
    private final Duration stallTimeout;
    private final String base;
    private String authorization;

    /**
     * @param credential   null for anonymous
     * @param stallTimeout longest wait for the registry's answer to a request and, within a body,
     *                     for the next byte; a body that keeps arriving is never cut
     * @param insecure     plain HTTP: the registry is listed as insecure; else HTTPS only
     */
    public RegistryClient(HttpClient http, ImageReference ref, RegistryCredential credential, Duration stallTimeout,
                          boolean insecure) {
        this.http = http;
        this.ref = ref;
        this.credential = credential;
        this.stallTimeout = stallTimeout;
        String scheme = insecure ? "http" : "https";
        this.base = scheme + "://" + ref.apiHost() + "/v2/" + ref.repository();
    }

    public Manifest manifest(String reference) {
        HttpResponse<InputStream> r = get(base + "/manifests/" + reference, MediaTypes.ACCEPT_MANIFESTS, "manifest " + reference);
        try (InputStream in = guarded(r.body())) {
            byte[] body = in.readNBytes(MAX_MANIFEST);
            String type = r.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
            if (type.isEmpty() || type.equals("application/json")) {
                type = JSON.readTree(body).path("mediaType").asText(MediaTypes.OCI_MANIFEST);
            }
            String digest = ChainIds.sha256(body);
            if (reference.startsWith("sha256:") && !reference.equals(digest)) {
                throw new RuntimeFailure("InvalidImage", "registry " + ref.domain() + " sent manifest " + digest
                        + " for " + reference);
            }
            return new Manifest(body, type, digest);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /**
     * The blob's bytes as the registry streams them; the caller closes the stream. A failed read,
     * and a stall of the stall timeout, throw this registry's {@link RuntimeFailure}.
     */
    public InputStream blob(String digest) {
        return guarded(get(base + "/blobs/" + digest, "*/*", "blob " + digest).body());
    }

    private InputStream guarded(InputStream body) {
        return new StallGuardedStream(body, stallTimeout, this::unreachable);
    }

    private HttpResponse<InputStream> get(String url, String accept, String what) {
        HttpResponse<InputStream> r = send(url, accept);
        if (r.statusCode() == 401) {
            AuthChallenge challenge = AuthChallenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
            discard(r);
            authorize(challenge);
            r = send(url, accept);
            if (r.statusCode() == 401) {
                discard(r);
                throw unauthorized(credential == null ? "it needs a login and no credential matches"
                        : "it refused the credential of user " + credential.username());
            }
        }
        int status = r.statusCode();
        if (status == 200) {
            return r;
        }
        discard(r);
        if (status == 403) {
            throw unauthorized("access to " + ref.repository() + " is denied");
        }
        if (status == 404) {
            throw new RuntimeFailure(RuntimeFailure.IMAGE_NOT_FOUND, "image " + ref + ": " + what + " not found in registry " + ref.domain());
        }
        throw new RuntimeFailure("RegistryError", "registry " + ref.domain() + " answered HTTP " + status + " for " + what);
    }

    private void authorize(AuthChallenge challenge) {
        if (challenge == null) {
            throw unauthorized("it answered 401 without a challenge");
        }
        if (challenge.isBasic()) {
            if (credential == null) {
                throw unauthorized("it needs a login and no credential matches");
            }
            authorization = "Basic " + basic(credential);
        } else if (challenge.isBearer()) {
            authorization = "Bearer " + token(challenge);
        } else {
            throw unauthorized("it asks for unsupported authentication scheme " + challenge.scheme());
        }
    }

    /** The Bearer token flow: GET realm?service=..&scope=repository:<name>:pull, with Basic when we have a login. */
    private String token(AuthChallenge challenge) {
        String realm = challenge.param("realm");
        if (realm == null || !(realm.startsWith("https://") || realm.startsWith("http://"))) {
            throw unauthorized("its Bearer challenge has no usable realm");
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
        if (challenge.param("service") != null) {
            url.append("service=").append(enc(challenge.param("service"))).append('&');
        }
        String scope = challenge.param("scope") != null ? challenge.param("scope") : "repository:" + ref.repository() + ":pull";
        url.append("scope=").append(enc(scope));
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url.toString())).timeout(stallTimeout).GET();
        if (credential != null) {
            req.header("Authorization", "Basic " + basic(credential));
        }
        try {
            HttpResponse<InputStream> r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() == 401 || r.statusCode() == 403) {
                discard(r);
                throw unauthorized(credential == null ? "its token service refused an anonymous pull"
                        : "its token service refused the credential of user " + credential.username());
            }
            if (r.statusCode() != 200) {
                discard(r);
                throw new RuntimeFailure("RegistryError", "token service of registry " + ref.domain()
                        + " answered HTTP " + r.statusCode());
            }
            JsonNode body;
            try (InputStream in = guarded(r.body())) {
                body = JSON.readTree(in.readNBytes(MAX_TOKEN_RESPONSE));
            }
            String token = body.path("token").asText(body.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw unauthorized("its token service sent no token");
            }
            return token;
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("RegistryUnreachable", "interrupted while talking to registry " + ref.domain());
        }
    }

    /** Follows redirects itself so that the Authorization header never goes to another host (blob CDNs). */
    private HttpResponse<InputStream> send(String url, String accept) {
        URI uri = URI.create(url);
        String host = uri.getHost();
        try {
            for (int i = 0; i <= MAX_REDIRECTS; i++) {
                HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(stallTimeout).header("Accept", accept).GET();
                if (authorization != null && host.equalsIgnoreCase(uri.getHost())) {
                    req.header("Authorization", authorization);
                }
                HttpResponse<InputStream> r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
                int s = r.statusCode();
                if (s != 301 && s != 302 && s != 303 && s != 307 && s != 308) {
                    return r;
                }
                String location = r.headers().firstValue("Location").orElse(null);
                discard(r);
                if (location == null) {
                    throw new RuntimeFailure("RegistryError", "registry " + ref.domain() + " redirected without a Location");
                }
                uri = uri.resolve(location);
            }
            throw new RuntimeFailure("RegistryError", "registry " + ref.domain() + " redirected more than " + MAX_REDIRECTS + " times");
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("RegistryUnreachable", "interrupted while talking to registry " + ref.domain());
        }
    }

    private RuntimeFailure unauthorized(String why) {
        return new RuntimeFailure("Unauthorized", "unauthorized: registry " + ref.domain() + " refused to serve "
                + ref.repository() + ": " + why);
    }

    /** An I/O failure talking to this registry, as the failure to report. */
    private RuntimeFailure unreachable(IOException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof SSLException) {
            why += " (a plain-HTTP registry must be listed as insecure)";
        } else if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException) {
            why = "cannot connect: " + why;
        } else if (e instanceof HttpTimeoutException) {
            why = "no response within " + stallTimeout.toSeconds() + " s";
        }
        return new RuntimeFailure("RegistryUnreachable", "registry " + ref.domain() + " is unreachable: " + why);
    }

    private static void discard(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            in.skip(1 << 16);
        } catch (IOException ignored) {
            // only draining an error body
        }
    }

    private static String basic(RegistryCredential c) {
        return Base64.getEncoder().encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
