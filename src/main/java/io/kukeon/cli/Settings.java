package io.kukeon.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where kukeond is and how to prove who we are: flag, then environment, then default.
 * {@code --host} / {@code KUKEON_HOST} / {@code unix:/run/kukeon/kukeond.sock}: a unix socket
 * ({@code unix:PATH}, no token needed) or {@code HOST[:PORT]} on TCP (port 7420 when none is given);
 * {@code --token-file} / {@code KUKEON_TOKEN_FILE} / {@code $KUKEON_DATA_DIR/token} / {@code /var/lib/kukeon/token};
 * TLS on TCP with {@code --ca-file} / {@code KUKEON_CA_FILE} (and {@code --cert-file}, {@code --key-file} /
 * {@code KUKEON_CERT_FILE}, {@code KUKEON_KEY_FILE} for mutual TLS). A context ({@link KukeContexts})
 * fills what flags and environment leave unset.
 *
 * @param tls null: plain HTTP/2
 */
record Settings(String host, Path tokenFile, ClientTls tls) {
    static final int DEFAULT_PORT = 7420;
    static final String UNIX = "unix:";
    static final String DEFAULT_HOST = UNIX + "/run/kukeon/kukeond.sock";
    static final String DEFAULT_DATA_DIR = "/var/lib/kukeon";

    static Settings resolve(String hostFlag, String tokenFileFlag, Function<String, String> env) {
        return resolve(hostFlag, tokenFileFlag, new TlsFlags(null, null, null), null, env);
    }

    /** {@code --ca-file}, {@code --cert-file}, {@code --key-file} as given (null: not given). */
    record TlsFlags(String caFile, String certFile, String keyFile) {}

    /** @param contextFlag {@code --context}, else {@code KUKEON_CONTEXT}, else the current context of {@link KukeContexts} */
    static Settings resolve(String hostFlag, String tokenFileFlag, TlsFlags tlsFlags, String contextFlag,
                            Function<String, String> env) {
        KukeContexts.Context c = KukeContexts.load(KukeContexts.file(env))
                .select(firstSet(contextFlag, env.apply("KUKEON_CONTEXT")));
        KukeContexts.Context context = c != null ? c : new KukeContexts.Context(null, null, null, null, null);
        String host = withPort(firstSet(hostFlag, env.apply("KUKEON_HOST"), context.host(), DEFAULT_HOST));
        String dataDir = firstSet(env.apply("KUKEON_DATA_DIR"), DEFAULT_DATA_DIR);
        String tokenFile = firstSet(tokenFileFlag, env.apply("KUKEON_TOKEN_FILE"), context.tokenFile(), dataDir + "/token");
        ClientTls tls = ClientTls.of(firstSet(tlsFlags.caFile(), env.apply("KUKEON_CA_FILE"), context.caFile()),
                firstSet(tlsFlags.certFile(), env.apply("KUKEON_CERT_FILE"), context.certFile()),
                firstSet(tlsFlags.keyFile(), env.apply("KUKEON_KEY_FILE"), context.keyFile()));
        return new Settings(host, Path.of(tokenFile), tls);
    }

    /** The token, or null when it cannot be read; {@link #tokenProblem()} then says why. */
    String token() {
        try {
            String t = Files.readString(tokenFile).trim();
            return t.isEmpty() ? null : t;
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** Why the token could not be read, for the "permission denied" line; null when it was read. */
    String tokenProblem() {
        try {
            return Files.readString(tokenFile).trim().isEmpty() ? tokenFile + " is empty" : null;
        } catch (NoSuchFileException e) {
            return tokenFile + " does not exist";
        } catch (AccessDeniedException e) {
            return tokenFile + " is not readable by this user";
        } catch (IOException | SecurityException e) {
            return "cannot read " + tokenFile;
        }
    }

    /** The socket's path when the host is a unix socket ({@code unix:PATH} or {@code unix://PATH}), else null. */
    Path socket() {
        if (!host.startsWith(UNIX)) {
            return null;
        }
        String path = host.substring(UNIX.length());
        return Path.of(path.startsWith("//") ? path.substring(2) : path);
    }

    /** {@code localhost} means {@code localhost:7420}, not gRPC's default port. */
    static String withPort(String host) {
        if (host.startsWith(UNIX)) {
            return host;
        }
        boolean hasPort = host.startsWith("[") ? host.contains("]:") : host.contains(":");
        return hasPort ? host : host + ":" + DEFAULT_PORT;
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
