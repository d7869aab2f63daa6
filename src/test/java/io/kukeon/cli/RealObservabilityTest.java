package io.kukeon.cli;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.protobuf.ByteString;
import io.kukeon.api.Docs;
import io.kukeon.testing.BusyboxUpload;
import io.kukeon.testing.DaemonProcess;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.RealHost;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.StatusRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kukeond's observability against the real containerd, in one kukeond process (JSON log, metrics on a
 * port of its own) running cell {@code obs}: {@code busy} spends some CPU then sleeps, {@code flaky}
 * exits 3 every second and is restarted. A scrape parsed by the Prometheus project's own text-format
 * parser (Debian's python3-prometheus-client, required: the test fails without it) matches the
 * cgroup files, counts restarts and API calls; {@code kuke status} shows the endpoint, the data dir
 * and the objects by state; every log line is JSON, with the exit and, after a restart of kukeond,
 * the adoption.
 */
@Tag("containerd")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealObservabilityTest {
    private static final String PYTHON = "/usr/bin/python3";
    /** Every sample of a scrape as the reference parser reads it, one JSON object each. */
    private static final String PARSER = String.join("\n",
            "import sys, json",
            "from prometheus_client.parser import text_string_to_metric_families",
            "out = []",
            "for f in text_string_to_metric_families(sys.stdin.read()):",
            "    for s in f.samples:",
            "        out.append({'family': f.name, 'type': f.type, 'name': s.name, 'labels': s.labels, 'value': s.value})",
            "print(json.dumps(out))");
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private static Path work;
    private static RealHost host;
    private static DaemonProcess daemon;
    private static int metricsPort;
    private static Map<String, String> env;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startDaemon() throws Exception {
        work = Files.createTempDirectory("kukeon-observability-test");
        host = new RealHost();
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        Map<String, String> settings = new HashMap<>(host.daemonSettings());
        settings.put("metrics-listen", "127.0.0.1:" + metricsPort);
        settings.put("log-format", "json");
        daemon = DaemonProcess.kukeond(work.resolve("data"), settings);
        daemon.start();
        env = Map.of("KUKEON_HOST", "unix:" + work.resolve("data/kukeond.sock"), "KUKEON_TOKEN_FILE", "/nonexistent/token");
        Docs.createStack(daemon.client(), "r/s/t");
        BusyboxUpload.into(daemon.asyncClient(), "r");
        String cell = """
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: obs}
                spec:
                  realmId: r
                  spaceId: s
                  stackId: t
                  containers:
                    - {id: busy, root: true, image: docker.io/library/busybox:latest, command: /bin/sh, args: ['-c', 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; exec sleep 3600']}
                    - {id: flaky, image: docker.io/library/busybox:latest, command: /bin/sh, args: ['-c', 'sleep 1; exit 3'], restartPolicy: always}
                """;
        for (ApplyResult r : daemon.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(cell)).build())
                .getResultsList()) {
            assertEquals("", r.getError(), r.getPath());
        }
    }

    @AfterAll
    static void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (host != null) {
            host.close();
        }
        if (work != null) {
            io.kukeon.secrets.FileModes.deleteTree(work);
        }
    }

    /** One sample of a scrape. */
    private record Sample(String family, String type, String name, Map<String, String> labels, double value) {}

    /** GET /metrics, parsed by the reference parser. */
    private static List<Sample> scrape() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"), response.headers().toString());
        Process python = new ProcessBuilder(PYTHON, "-c", PARSER).start();
        python.getOutputStream().write(response.body().getBytes(StandardCharsets.UTF_8));
        python.getOutputStream().close();
        String parsed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(30, TimeUnit.SECONDS), "the parser ends");
        assertEquals(0, python.exitValue(), "the Prometheus text-format parser (" + PYTHON
                + ", Debian's python3-prometheus-client) read the scrape: " + err);
        List<Sample> samples = new ArrayList<>();
        for (JsonNode s : JSON.readTree(parsed)) {
            Map<String, String> labels = new HashMap<>();
            s.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            samples.add(new Sample(s.get("family").asText(), s.get("type").asText(), s.get("name").asText(), labels,
                    s.get("value").asDouble()));
        }
        return samples;
    }

    private static Map<String, String> container(String name) {
        return Map.of("realm", "r", "space", "s", "stack", "t", "cell", "obs", "container", name);
    }

    /** The value of the sample with this name whose labels include these, or null. */
    private static Double value(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .map(Sample::value).findFirst().orElse(null);
    }

    private static String cgroupOf(String container) throws Exception {
        return daemon.client().get(GetRequest.newBuilder().setKind("Container").setPath("r/s/t/obs/" + container).build())
                .getObject().getStatus().getContainer().getCgroupPath();
    }

    /** CPU seconds the group's file counts: cpuacct.usage (ns) on v1, cpu.stat's usage_usec on v2. */
    private static double cpuSeconds(String group) throws IOException {
        if (RealTopCliTest.V1) {
            return Long.parseLong(Files.readString(RealTopCliTest.CGROUPS.resolve("cpuacct").resolve(group.substring(1))
                    .resolve("cpuacct.usage")).trim()) / 1e9;
        }
        for (String line : Files.readAllLines(RealTopCliTest.CGROUPS.resolve(group.substring(1)).resolve("cpu.stat"))) {
            if (line.startsWith("usage_usec ")) {
                return Long.parseLong(line.substring(11).trim()) / 1e6;
            }
        }
        throw new IllegalStateException("no usage_usec in cpu.stat of " + group);
    }

    @Test
    @Order(1)
    void aScrapeParsesAndTheContainersFiguresAreItsCgroupsFiles() throws Exception {
        Map<String, String> busy = container("busy");
        List<Sample> samples = Eventually.value("busy's usage in a scrape", Duration.ofSeconds(60), () -> {
            List<Sample> s = scrape();
            return value(s, "kukeon_container_memory_bytes", busy) != null ? s : null;
        });
        String group = cgroupOf("busy");
        double cpuBefore = cpuSeconds(group);
        long memoryBefore = RealTopCliTest.cgroupFile(group, "memory", "memory.usage_in_bytes", "memory.current");
        samples = scrape();
        double cpuAfter = cpuSeconds(group);
        long memoryAfter = RealTopCliTest.cgroupFile(group, "memory", "memory.usage_in_bytes", "memory.current");

        double cpu = value(samples, "kukeon_container_cpu_seconds_total", busy);
        assertTrue(cpuBefore > 0 && cpuBefore <= cpu + 1e-6 && cpu <= cpuAfter + 1e-6,
                "CPU seconds " + cpu + " between the file's " + cpuBefore + " and " + cpuAfter);
        double memory = value(samples, "kukeon_container_memory_bytes", busy);
        assertTrue(memory >= Math.min(memoryBefore, memoryAfter) - (1 << 20) && memory <= Math.max(memoryBefore, memoryAfter) + (1 << 20),
                "memory " + memory + " near the file's " + memoryBefore + "/" + memoryAfter);
        assertEquals((double) RealTopCliTest.cgroupFile(group, "pids", "pids.current", "pids.current"),
                value(samples, "kukeon_container_pids", busy), "pids.current");
        assertEquals(1.0, value(samples, "kukeon_container_state", with(busy, "state", "Ready")));
        assertEquals(0.0, value(samples, "kukeon_container_state", with(busy, "state", "Error")));
        assertEquals(0.0, value(samples, "kukeon_container_oom_kills_total", busy));
        assertTrue(value(samples, "kukeon_objects", Map.of("level", "cell", "state", "Ready")) >= 0, "cells by state");
        assertEquals(1.0, value(samples, "kukeon_objects", Map.of("level", "realm", "state", "Ready")));
        for (Sample s : samples) {
            assertTrue(s.name().startsWith("kukeon_") || s.name().startsWith("jvm_") || s.name().startsWith("process_"), s.name());
        }
        assertTrue(samples.stream().anyMatch(s -> s.family().equals("kukeon_container_restarts") && s.type().equals("counter")),
                "restarts is a counter");
        assertTrue(samples.stream().anyMatch(s -> s.name().equals("kukeon_journal_write_seconds_count") && s.value() > 0),
                "the journal's writes are timed");
        assertTrue(samples.stream().anyMatch(s -> s.name().equals("kukeon_containerd_call_duration_seconds_count")
                && s.labels().get("method").equals("containerd.services.tasks.v1.Tasks/Start") && s.value() > 0),
                "containerd's Start calls are timed");
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> all = new HashMap<>(labels);
        all.put(name, value);
        return all;
    }

    @Test
    @Order(2)
    void theRestartCounterMovesWhenFlakyIsRestarted() throws Exception {
        Map<String, String> flaky = container("flaky");
        double before = Eventually.value("flaky's restarts in a scrape", Duration.ofSeconds(60),
                () -> value(scrape(), "kukeon_container_restarts_total", flaky));
        double after = Eventually.value("a restart of flaky", Duration.ofSeconds(60), () -> {
            Double now = value(scrape(), "kukeon_container_restarts_total", flaky);
            return now != null && now > before ? now : null;
        });
        assertTrue(after > before);
    }

    @Test
    @Order(3)
    void apiCallsAreCountedByMethodAndCode() throws Exception {
        Map<String, String> status = Map.of("method", "kukeon.v1.Kukeon/Status", "code", "OK");
        Double before = value(scrape(), "kukeon_api_requests_total", status);
        daemon.client().status(StatusRequest.getDefaultInstance());
        daemon.client().status(StatusRequest.getDefaultInstance());
        List<Sample> samples = scrape();
        assertEquals((before == null ? 0 : before) + 2, value(samples, "kukeon_api_requests_total", status), "two Status calls");
        assertTrue(value(samples, "kukeon_api_request_duration_seconds_count", Map.of("method", "kukeon.v1.Kukeon/Status")) >= 2);
    }

    @Test
    @Order(4)
    void kukeStatusShowsTheEndpointTheDataDirAndObjectsByState() throws Exception {
        KukeRun r = KukeRun.of(env, "status");
        String out = r.out();
        assertTrue(out.contains("http://127.0.0.1:" + metricsPort + "/metrics"), out + r.err());
        assertTrue(out.lines().anyMatch(l -> l.contains("data-dir") && l.contains(" free in ") && l.contains(" used of ")), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("realms") && l.contains("1 Ready")), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("cells") && l.matches(".*1 (Ready|Degraded|Pending).*")), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("containers") || l.contains(" containers ")), out);
    }

    @Test
    @Order(5)
    void everyLogLineIsJsonAndTellsTheExitAndAfterARestartTheAdoption() throws Exception {
        Eventually.value("flaky's exit in the log", Duration.ofSeconds(30),
                () -> messages().stream().anyMatch(m -> m.equals("container r/s/t/obs/flaky exited with code 3")) ? true : null);
        daemon.terminate();
        daemon.start();
        Eventually.value("busy's adoption in the log", Duration.ofSeconds(60), () -> messages().stream()
                .anyMatch(m -> m.startsWith("container r/s/t/obs/busy adopted, still running as pid ")) ? true : null);
        List<String> lines = Files.readAllLines(daemon.log());
        assertTrue(lines.size() > 5, lines.toString());
        for (String line : lines) {
            JsonNode json = JSON.readTree(line);
            assertTrue(json.hasNonNull("level") && json.hasNonNull("message") && json.hasNonNull("loggerName"), line);
        }
    }

    /** The formatted messages of the daemon's log, each line read as JSON. */
    private static List<String> messages() throws IOException {
        List<String> messages = new ArrayList<>();
        for (String line : Files.readAllLines(daemon.log())) {
            messages.add(JSON.readTree(line).path("formattedMessage").asText());
        }
        return messages;
    }
}
