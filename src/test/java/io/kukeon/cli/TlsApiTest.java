package io.kukeon.cli;

import io.kukeon.testing.TestCertificates;
import io.kukeon.testing.TestDaemon;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kukeond's TCP listener over TLS and mutual TLS, and kuke's --ca-file, --cert-file, --key-file against it. */
class TlsApiTest {
    @TempDir
    Path dataDir;
    @TempDir
    static Path certs;
    static TestCertificates ca;

    /** keytool's JVMs are the slow part: once for the class. */
    @BeforeAll
    static void certificates() throws Exception {
        ca = new TestCertificates(certs, "kukeon-ca");
        ca.sign("kukeond");
        ca.sign("kuke");
    }

    @Test
    void kukeTrustsTheCaThatSignedKukeondsCertificate() throws Exception {
        try (TestDaemon daemon = new TestDaemon(dataDir, Map.of("tls-cert-file", ca.cert("kukeond").toString(),
                "tls-key-file", ca.key("kukeond").toString()))) {
            Map<String, String> env = AgainstTestDaemon.envFor(daemon);

            KukeRun trusted = KukeRun.of(with(env, "KUKEON_CA_FILE", ca.caFile().toString()), "get", "realms");
            assertEquals(0, trusted.exit(), trusted.err());
            assertEquals("", trusted.err());

            KukeRun plain = KukeRun.of(env, "get", "realms");
            assertEquals(1, plain.exit());
            assertTrue(plain.err().startsWith("cannot reach kukeond at 127.0.0.1:"), plain.err());

            // a certificate that did not sign kukeond's
            KukeRun untrusted = KukeRun.of(env, "--ca-file", ca.cert("kuke").toString(), "get", "realms");
            assertEquals(1, untrusted.exit());
            assertTrue(untrusted.err().contains("TLS failed") && untrusted.err().contains("--ca-file"), untrusted.err());
        }
    }

    @Test
    void withAClientCaKukeMustPresentACertificateItSigned() throws Exception {
        try (TestDaemon daemon = new TestDaemon(dataDir, Map.of("tls-cert-file", ca.cert("kukeond").toString(),
                "tls-key-file", ca.key("kukeond").toString(), "tls-client-ca-file", ca.caFile().toString()))) {
            Map<String, String> env = with(AgainstTestDaemon.envFor(daemon), "KUKEON_CA_FILE", ca.caFile().toString());

            KukeRun anonymous = KukeRun.of(env, "get", "realms");
            assertEquals(1, anonymous.exit());
            assertTrue(anonymous.err().startsWith("cannot reach kukeond at 127.0.0.1:") && anonymous.err().contains("TLS failed"),
                    anonymous.err());

            KukeRun known = KukeRun.of(env, "--cert-file", ca.cert("kuke").toString(), "--key-file", ca.key("kuke").toString(),
                    "get", "realms");
            assertEquals(0, known.exit(), known.err());

            KukeRun half = KukeRun.of(env, "--cert-file", ca.cert("kuke").toString(), "get", "realms");
            assertEquals(1, half.exit());
            assertTrue(half.err().contains("--key-file") && half.err().contains("is needed with --cert-file"), half.err());
        }
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> all = new HashMap<>(env);
        all.put(key, value);
        return all;
    }
}
