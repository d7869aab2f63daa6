package io.kukeon.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CA and certificates it signed, made with the JDK's keytool (no other tool needed): PEM files as
 * kukeond and kuke read them ({@code <name>.pem}, {@code <name>.key} in PKCS#8, mode 0600, the CA's
 * {@code ca.pem}). EC keys, or RSA ones ({@link #rsa}), which the cluster's TLS needs.
 */
public final class TestCertificates {
    private static final String PASS = "test-pass";
    private static final List<String> EC = List.of("-keyalg", "EC", "-groupname", "secp256r1");
    private static final List<String> RSA = List.of("-keyalg", "RSA", "-keysize", "2048");
    public final Path dir;
    private final String ca;
    private final List<String> keyAlgorithm;

    /** A CA named {@code name} in {@code dir} (its certificate {@code <name>.pem}). */
    public TestCertificates(Path dir, String name) throws IOException, InterruptedException {
        this(dir, name, EC);
    }

    /** A CA whose keys, and those of the certificates it signs, are RSA. */
    public static TestCertificates rsa(Path dir, String name) throws IOException, InterruptedException {
        return new TestCertificates(dir, name, RSA);
    }

    private TestCertificates(Path dir, String name, List<String> keyAlgorithm) throws IOException, InterruptedException {
        this.dir = dir;
        this.keyAlgorithm = keyAlgorithm;
        keytool(genkeypair(name, "-ext", "bc:c", "-validity", "2", "-keystore", store(name).toString(), "-storepass", PASS));
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", store(name).toString(), "-storepass", PASS,
                "-file", dir.resolve(name + ".pem").toString());
        this.ca = name;
    }

    public Path caFile() {
        return dir.resolve(ca + ".pem");
    }

    /** A certificate for {@code 127.0.0.1} the CA signed: {@code <name>.pem} and its key {@code <name>.key}. */
    public void sign(String name) throws IOException, InterruptedException, GeneralSecurityException {
        sign(name, "ip:127.0.0.1");
    }

    /** A certificate with these subject alternative names ({@code keytool}'s form, e.g. {@code ip:127.0.0.1,dns:fleet}). */
    public void sign(String name, String san) throws IOException, InterruptedException, GeneralSecurityException {
        keytool(genkeypair(name, "-validity", "2", "-keystore", store(name).toString(), "-storepass", PASS));
        Path request = dir.resolve(name + ".csr");
        keytool("-certreq", "-alias", name, "-keystore", store(name).toString(), "-storepass", PASS, "-file", request.toString());
        keytool("-gencert", "-rfc", "-alias", ca, "-keystore", store(ca).toString(), "-storepass", PASS,
                "-infile", request.toString(), "-outfile", cert(name).toString(), "-ext", "SAN=" + san, "-validity", "2");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store(name))) {
            keys.load(in, PASS.toCharArray());
        }
        byte[] pkcs8 = keys.getKey(name, PASS.toCharArray()).getEncoded();
        Files.writeString(key(name), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(key(name), PosixFilePermissions.fromString("rw-------"));
    }

    private String[] genkeypair(String name, String... more) {
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-dname", "CN=" + name));
        args.addAll(keyAlgorithm);
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    public Path cert(String name) {
        return dir.resolve(name + ".pem");
    }

    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    private Path store(String name) {
        return dir.resolve(name + ".p12");
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        // a short-lived JVM: compiled by C1 only and with the serial collector it starts in half the time
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        command.addAll(List.of(args));
        command.add("-noprompt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
