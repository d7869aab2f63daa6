package io.kukeon.runtime.registry;

import com.sun.net.httpserver.HttpServer;
import io.kukeon.runtime.RuntimeFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry timeouts are on stalls, not on total time: a registry that accepts and never
 * answers, or stops in the middle of a body, fails the pull after the stall timeout with a reason
 * naming it; one that trickles a blob slowly but steadily is read to the end, however long it takes.
 */
class RegistryStallTest {
    private static final Duration STALL = Duration.ofSeconds(1);
    private static final int CHUNKS = 12;
    private static final Duration CHUNK_PAUSE = Duration.ofMillis(300);   // well under the stall timeout

    private HttpServer server;
    private String host;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host = "127.0.0.1:" + server.getAddress().getPort();
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/v2/slow/app/blobs/", ex -> {
            ex.sendResponseHeaders(200, CHUNKS);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < CHUNKS; i++) {
                    out.write('a' + i);
                    out.flush();
                    sleep(CHUNK_PAUSE);
                }
            }
        });
        server.createContext("/v2/stuck/app/blobs/", ex -> {
            ex.sendResponseHeaders(200, 100);
            OutputStream out = ex.getResponseBody();
            out.write("first bytes".getBytes());
            out.flush();
            sleep(Duration.ofSeconds(30));   // and then nothing: the client must give up long before
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.stop(0);
        for (Socket s : held) {
            s.close();
        }
    }

    private RegistryClient client(String hostAndPort, String repository) {
        return new RegistryClient(http, ImageReference.parse(hostAndPort + "/" + repository + ":1"), null, STALL, true);
    }

    @Test
    void aRegistryThatAcceptsAndNeverAnswersFailsAfterTheStallTimeoutNamingIt() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());   // accepted, read from never, answered never
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String silentHost = "127.0.0.1:" + silent.getLocalPort();
            long t0 = System.nanoTime();
            RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> client(silentHost, "hung/app").manifest("1"));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertEquals("RegistryUnreachable", e.kind());
            assertEquals("registry " + silentHost + " is unreachable: no response within 1 s", e.getMessage());
            assertTrue(took.compareTo(STALL) >= 0 && took.compareTo(Duration.ofSeconds(10)) < 0, "took " + took);
        }
    }

    @Test
    void aBodyThatStopsArrivingIsCutAfterTheStallTimeout() throws Exception {
        long t0 = System.nanoTime();
        try (InputStream in = client(host, "stuck/app").blob("sha256:" + "b".repeat(64))) {
            byte[] first = in.readNBytes(11);
            assertEquals("first bytes", new String(first));
            RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> in.readNBytes(100));
            assertEquals("registry " + host + " is unreachable: no response within 1 s", e.getMessage());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "cut after the stall, not after the server's 30 s: " + took);
    }

    @Test
    void aSlowButSteadyBodyIsReadToTheEndPastManyStallTimeouts() throws Exception {
        long t0 = System.nanoTime();
        byte[] body;
        try (InputStream in = client(host, "slow/app").blob("sha256:" + "c".repeat(64))) {
            body = in.readAllBytes();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertEquals("abcdefghijkl", new String(body));
        assertTrue(took.compareTo(STALL.multipliedBy(3)) > 0, "the download took " + took + ", longer than 3 stall timeouts");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
