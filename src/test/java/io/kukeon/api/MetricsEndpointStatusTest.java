package io.kukeon.api;

import io.kukeon.testing.TestDaemon;
import io.kukeon.wire.v1.StatusRequest;
import io.kukeon.wire.v1.StatusResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics endpoint as status tells it: where it serves, off, or a port that was taken (kukeond runs on). */
class MetricsEndpointStatusTest {
    @TempDir
    Path dir;

    private static StatusResponse.Check metricsCheck(TestDaemon daemon) throws Exception {
        return daemon.client().status(StatusRequest.getDefaultInstance()).getChecksList().stream()
                .filter(c -> c.getName().equals("metrics")).findFirst().orElseThrow();
    }

    @Test
    void statusNamesTheEndpointThatAnswersAScrape() throws Exception {
        try (TestDaemon daemon = new TestDaemon(dir.resolve("a"), Map.of("metrics-listen", "127.0.0.1:0"))) {
            StatusResponse.Check check = metricsCheck(daemon);
            assertEquals("OK", check.getLevel());
            assertTrue(check.getDetail().matches("http://127\\.0\\.0\\.1:[1-9][0-9]*/metrics"), check.getDetail());
            HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(check.getDetail()))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.body().contains("kukeon_objects{level=\"realm\",state=\"Ready\"}"), scrape.body());
        }
    }

    @Test
    void aTakenPortIsAWarningAndKukeondRunsWithoutMetrics() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             TestDaemon daemon = new TestDaemon(dir.resolve("b"), Map.of("metrics-listen", "127.0.0.1:" + taken.getLocalPort()))) {
            StatusResponse.Check check = metricsCheck(daemon);
            assertEquals("WARN", check.getLevel());
            assertTrue(check.getDetail().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + " (metrics-listen): "),
                    check.getDetail());
        }
    }

    @Test
    void noneIsOff() throws Exception {
        try (TestDaemon daemon = new TestDaemon(dir.resolve("c"), Map.of("metrics-listen", "none"))) {
            assertEquals("off (metrics-listen = none)", metricsCheck(daemon).getDetail());
        }
    }
}
