package io.kukeon.cli;

import io.grpc.netty.GrpcSslContexts;
import io.kukeon.model.InvalidArgumentException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.nio.file.Path;

/**
 * TLS to kukeond on TCP: the CA that signed kukeond's certificate ({@code --ca-file}; the JVM's
 * trusted roots when none is given), and for mutual TLS kuke's own certificate and key
 * ({@code --cert-file}, {@code --key-file}, PEM, the key PKCS#8).
 */
record ClientTls(Path caFile, Path certFile, Path keyFile) {
    /** The TLS asked for by any of the three, or null (plain HTTP/2) when none is set. */
    static ClientTls of(String caFile, String certFile, String keyFile) {
        if (caFile == null && certFile == null && keyFile == null) {
            return null;
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new InvalidArgumentException(certFile == null ? "--cert-file" : "--key-file",
                    "is needed with " + (certFile == null ? "--key-file" : "--cert-file"));
        }
        return new ClientTls(caFile == null ? null : Path.of(caFile), certFile == null ? null : Path.of(certFile),
                keyFile == null ? null : Path.of(keyFile));
    }

    SslContext context() {
        SslContextBuilder builder = GrpcSslContexts.forClient();
        try {
            if (caFile != null) {
                builder.trustManager(caFile.toFile());
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("--ca-file", caFile + " holds no PEM certificate (" + rootMessage(e) + ")");
        }
        try {
            if (certFile != null) {
                builder.keyManager(certFile.toFile(), keyFile.toFile());
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("--key-file", certFile + " and " + keyFile
                    + " are not a PEM certificate and its PKCS#8 key (" + rootMessage(e) + ")");
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new InvalidArgumentException("--ca-file", "TLS cannot start: " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        return String.valueOf(e.getMessage());
    }
}
