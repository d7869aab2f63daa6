package io.kukeon.api;

import io.grpc.netty.GrpcSslContexts;
import io.kukeon.model.InvalidArgumentException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS of the API on TCP: kukeond's certificate chain and key (PEM; the key PKCS#8), and, for mutual
 * TLS, the CA whose certificates callers must present. The bearer token is asked for all the same.
 *
 * @param certFile     {@code tls-cert-file}
 * @param keyFile      {@code tls-key-file}
 * @param clientCaFile {@code tls-client-ca-file}, or null: any caller that completes TLS (and has the token)
 */
public record ApiTls(Path certFile, Path keyFile, Path clientCaFile) {
    public ApiTls {
        readable("tls-cert-file", certFile);
        readable("tls-key-file", keyFile);
        io.kukeon.model.PrivateFiles.requireOwnerOnly("tls-key-file", keyFile);
        if (clientCaFile != null) {
            readable("tls-client-ca-file", clientCaFile);
        }
    }

    /** Built at every start from the files as they are then; a file that is not what it should be is named. */
    SslContext serverContext() {
        SslContextBuilder builder;
        try {
            builder = GrpcSslContexts.forServer(certFile.toFile(), keyFile.toFile());
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("tls-key-file", certFile + " and " + keyFile + " are not a PEM certificate"
                    + " chain and its PKCS#8 key (" + rootMessage(e) + ")");
        }
        if (clientCaFile != null) {
            try {
                builder.trustManager(clientCaFile.toFile()).clientAuth(ClientAuth.REQUIRE);
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException("tls-client-ca-file", clientCaFile + " holds no PEM certificate ("
                        + rootMessage(e) + ")");
            }
        }
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new InvalidArgumentException("tls-cert-file", "TLS cannot start with " + certFile + " and " + keyFile
                    + ": " + rootMessage(e));
        }
    }

    private static void readable(String field, Path file) {
        if (file == null || !Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InvalidArgumentException(field, file + " is not a readable file");
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return String.valueOf(e.getMessage());
    }
}
