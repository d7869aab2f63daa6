package io.kukeon.fleet;

import io.kukeon.model.InvalidArgumentException;
import org.apache.pekko.pki.pem.DERPrivateKeyLoader;
import org.apache.pekko.pki.pem.PEMDecoder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.List;
import java.util.Map;

/**
 * The cluster's transport over TLS (Artery {@code tls-tcp}) with mutual authentication: each member
 * presents its certificate and accepts only peers whose certificate the fleet's CA issued. Pekko's
 * {@code RotatingKeysSSLEngineProvider} reads the PEM files when it connects (again every 5 minutes,
 * so renewed files take over without a restart); they are checked here at start as well, so that a
 * wrong file is one line naming its key rather than handshakes failing later. Pekko's own rules
 * apply: an RSA key, a certificate issued by the CA itself (no intermediate), and one name (CN or
 * DNS SAN) that every member's certificate carries.
 *
 * @param certFile {@code cluster.tls-cert-file}: this node's certificate (PEM)
 * @param keyFile  {@code cluster.tls-key-file}: its RSA key (PEM, PKCS#1 or unencrypted PKCS#8), its owner's only
 * @param caFile   {@code cluster.tls-ca-file}: the fleet's CA certificate (PEM)
 */
public record ClusterTls(Path certFile, Path keyFile, Path caFile) {
    public static final String CERT_KEY = "cluster.tls-cert-file";
    public static final String KEY_KEY = "cluster.tls-key-file";
    public static final String CA_KEY = "cluster.tls-ca-file";
    public static final List<String> KEYS = List.of(CERT_KEY, KEY_KEY, CA_KEY);
    private static final long MAX_BYTES = 64 * 1024;
    private static final String ENGINE = "pekko.remote.artery.ssl.rotating-keys-engine.";

    public ClusterTls {
        X509Certificate ca = certificate(CA_KEY, caFile);
        X509Certificate cert = certificate(CERT_KEY, certFile);
        PrivateKey key = privateKey(keyFile);
        if (!(cert.getPublicKey() instanceof RSAKey certKey) || !certKey.getModulus().equals(((RSAKey) key).getModulus())) {
            throw new InvalidArgumentException(KEY_KEY, keyFile + " is not the key of the certificate in " + certFile);
        }
        try {
            cert.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new InvalidArgumentException(CERT_KEY, certFile + " was not issued by the CA in " + caFile
                    + " (members accept only certificates the CA issued itself, not through an intermediate)");
        }
        try {
            cert.checkValidity();
        } catch (CertificateException e) {
            throw new InvalidArgumentException(CERT_KEY, certFile + " is not valid now: it is valid from "
                    + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant());
        }
    }

    /** Pekko's settings that put Artery on TLS with these files; the provider asks every peer for its certificate. */
    Map<String, Object> pekkoSettings() {
        return Map.of("pekko.remote.artery.transport", "tls-tcp",
                "pekko.remote.artery.ssl.ssl-engine-provider",
                "org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider",
                ENGINE + "cert-file", certFile.toString(),
                ENGINE + "key-file", keyFile.toString(),
                ENGINE + "ca-cert-file", caFile.toString());
    }

    private static X509Certificate certificate(String key, Path file) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(read(key, file)));
        } catch (CertificateException | ClassCastException e) {
            throw new InvalidArgumentException(key, file + " holds no PEM certificate");
        }
    }

    /** Read as Pekko reads it, so that what passes here passes there. */
    private static PrivateKey privateKey(Path file) {
        byte[] pem = read(KEY_KEY, file);
        io.kukeon.model.PrivateFiles.requireOwnerOnly(KEY_KEY, file);
        try {
            PrivateKey key = DERPrivateKeyLoader.load(PEMDecoder.decode(new String(pem, StandardCharsets.UTF_8)));
            if (key instanceof RSAKey) {
                return key;
            }
        } catch (Exception e) {   // Pekko's loader throws its own and the JDK's (checked) exceptions
            // said below
        }
        throw new InvalidArgumentException(KEY_KEY, file + " holds no RSA private key in PEM (PKCS#1 or unencrypted"
                + " PKCS#8): the cluster's TLS reads RSA keys only");
    }

    private static byte[] read(String key, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InvalidArgumentException(key, file + " is not a readable file");
        }
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new InvalidArgumentException(key, file + " must hold at most " + MAX_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidArgumentException(key, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
