package io.kukeon.fleet;

import io.kukeon.testing.Eventually;
import io.kukeon.testing.TestCertificates;
import io.kukeon.testing.TestDaemon;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.kukeon.fleet.FleetTesting.freePort;
import static io.kukeon.fleet.FleetTesting.secret;
import static io.kukeon.fleet.FleetTesting.statuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The cluster's transport over mutual TLS: two kukeonds (fake runtime, in this JVM) whose
 * certificates one CA issued form a cluster over Artery's {@code tls-tcp}; a third holding the same
 * secret, but a certificate another CA issued, is never admitted: neither side completes TLS with
 * it, so its join never reaches the secret check, and it is Up in no one's view. (A failure prints
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
