package io.kukeon.fleet;

import io.kukeon.api.Docs;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.TestCertificates;
import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.kukeon.fleet.FleetTesting.freePort;
import static io.kukeon.fleet.FleetTesting.secret;
import static io.kukeon.fleet.FleetTesting.statuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster's transport over mutual TLS: two kukeonds (fake runtime, in this JVM) whose
 * certificates one CA issued form a cluster over Artery's {@code tls-tcp}; a third holding the same
 * secret, but a certificate another CA issued, is never admitted: neither side completes TLS with
 * it, so its join never reaches the secret check, and it is Up in no one's view. A raw TLS caller
 * shows the members' side alone: it asks for a certificate, and takes only one the fleet's CA issued;
 * a call routed from one member to the other crosses the TLS transport. (A failure prints
 * the daemons' log: the handshakes' errors are there.)
 */
@ExtendWith(LogCapturingExtension.class)
class FleetTlsTest {
    /** How long the stranger keeps asking to join (Pekko asks its seeds again every second). */
    private static final Duration STRANGER_TRIES = Duration.ofSeconds(8);
    private final List<TestDaemon> daemons = new ArrayList<>();

    @AfterEach
    void stopAll() {
        daemons.forEach(TestDaemon::close);
    }

    @Test
    void membersWithTheFleetsCertificatesJoinAndAnotherCasDoNot(@TempDir Path dir) throws Exception {
        TestCertificates fleet = TestCertificates.rsa(dir, "fleet-ca");
        fleet.sign("a", "dns:kukeon-fleet");
        fleet.sign("b", "dns:kukeon-fleet");
        TestCertificates other = TestCertificates.rsa(dir, "other-ca");
        other.sign("c", "dns:kukeon-fleet");   // the name the members share: only the CA differs
        Path secret = secret(dir.resolve("secret"), "the fleet's shared secret, 32 chars");
        int seedPort = freePort();

        TestDaemon a = node(dir, "a", seedPort, seedPort, secret, fleet);
        TestDaemon b = node(dir, "b", freePort(), seedPort, secret, fleet);
        for (TestDaemon d : List.of(a, b)) {
            Eventually.value("a and b Up as seen from " + d.daemon().port(), Duration.ofSeconds(60),
                    () -> statuses(d.client()).equals(Map.of("a", "Up", "b", "Up")) ? true : null);
        }
        assertEquals("tls-tcp", a.daemon().system().settings().config().getString("pekko.remote.artery.transport"));
        // on the wire, a's cluster port speaks TLS and asks the caller for its certificate as well
        assertTrue(keepsConnection(seedPort, fleet, fleet, "b"), "a caller with a certificate the fleet's CA issued");
        assertFalse(keepsConnection(seedPort, fleet, null, null), "a caller without a certificate");
        assertFalse(keepsConnection(seedPort, fleet, other, "c"), "a caller with another CA's certificate");
        // a call routed between members (sealed, answered through a stream) crosses the TLS transport
        Docs.createStack(b.client(), "r/s/st");
        ObjectDoc stack = Eventually.value("b's stack got through a", Duration.ofSeconds(30),
                () -> a.client().get(GetRequest.newBuilder().setKind("Stack").setPath("r/s/st").build()).getObject());
        assertEquals("b", stack.getNode());

        TestDaemon c = node(dir, "c", freePort(), seedPort, secret, other);
        long until = System.nanoTime() + STRANGER_TRIES.toNanos();
        while (System.nanoTime() < until) {
            assertEquals(Map.of("a", "Up", "b", "Up"), statuses(a.client()), "a's view while the stranger asks to join");
            assertFalse(statuses(c.client()).containsKey("a"), "the stranger never sees the fleet");
            Thread.sleep(500);
        }
        assertEquals(Map.of("a", "Up", "b", "Up"), statuses(b.client()));
        assertNull(a.daemon().exitProblem());
        assertNull(b.daemon().exitProblem());
    }

    /**
     * Whether the member at {@code port} keeps a TLS connection from a caller that trusts the fleet's
     * CA and presents {@code name}'s certificate from {@code callerCa} (null: none). Artery waits for
     * the caller to speak first, so a connection still open after a second was accepted; a refusal
     * is an alert or a close.
     */
    private static boolean keepsConnection(int port, TestCertificates fleet, TestCertificates callerCa, String name)
            throws Exception {
        char[] pass = "test".toCharArray();
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", certificate(fleet.caFile()));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore own = KeyStore.getInstance("PKCS12");
        own.load(null, null);
        if (callerCa != null) {
            byte[] pkcs8 = Base64.getMimeDecoder().decode(Files.readString(callerCa.key(name))
                    .replaceAll("-----[A-Z ]+-----", ""));
            own.setKeyEntry("me", KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)), pass,
                    new Certificate[] {certificate(callerCa.cert(name))});
        }
        keys.init(own, pass);
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(1000);
            socket.startHandshake();
            return socket.getInputStream().read() != -1;
        } catch (SocketTimeoutException open) {
            return true;
        } catch (SSLException refused) {
            return false;
        }
    }

    private static Certificate certificate(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private TestDaemon node(Path dir, String name, int port, int seedPort, Path secret, TestCertificates ca)
            throws Exception {
        Map<String, String> flags = new HashMap<>();
        flags.put("cluster.node-name", name);
        flags.put("cluster.listen", "127.0.0.1:" + port);
        flags.put("cluster.seeds", "127.0.0.1:" + seedPort);
        flags.put("cluster.secret-file", secret.toString());
        flags.put("cluster.tls-cert-file", ca.cert(name).toString());
        flags.put("cluster.tls-key-file", ca.key(name).toString());
        flags.put("cluster.tls-ca-file", ca.caFile().toString());
        TestDaemon d = new TestDaemon(dir.resolve(name), flags);
        daemons.add(d);
        return d;
    }
}
