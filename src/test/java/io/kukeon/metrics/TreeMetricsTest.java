package io.kukeon.metrics;

import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.HostIds;
import io.kukeon.model.LevelState;
import io.kukeon.model.LevelStatus;
import io.kukeon.model.Metadata;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.testing.FakeRuntime;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The names, types and labels of the endpoint's figures, written as Prometheus reads them. */
class TreeMetricsTest {
    private static final Pattern TYPE = Pattern.compile("# TYPE (\\S+) (\\S+)");

    private final ObjectIndex index = new ObjectIndex(new HostIds("kukeon", "kukeon.io"));

    private String scrape() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        DaemonMetrics.registerInto(registry);
        registry.register(new TreeMetrics(index, new HostIds("kukeon", "kukeon.io"), new FakeRuntime(), Runnable::run));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
        return out.toString(StandardCharsets.UTF_8);
    }

    private void container(String path, ContainerState state, int restarts) {
        ObjectPath p = ObjectPath.parse(path);
        ContainerStatus status = new ContainerStatus(p.name(), "id-" + p.name(), state, 42, restarts, null, null, null, null,
                false, null, null, null, null, null, null, null, null);
        index.put(new TreeObject.Container(p, new Metadata(p.name(), Map.of(), 1),
                ContainerSpec.of(p.name(), "busybox", "sleep", List.of("1")), status));
    }

    @Test
    void everyFigureIsNamedAsPrometheusAsksWithTheContainersPathAsLabels() throws IOException {
        index.put(new TreeObject.Realm(ObjectPath.of("r"), new Metadata("r", Map.of(), 1), RealmSpec.DEFAULT,
                new LevelStatus(LevelState.Ready, null, null, null, true, "r.kukeon.io", null, null, null, 1)));
        container("r/s/t/web/app", ContainerState.Ready, 3);
        container("r/s/t/web/side", ContainerState.Error, 0);
        DaemonMetrics.API_REQUESTS.labelValues("kukeon.v1.Kukeon/Get", "OK").inc();
        DaemonMetrics.API_REQUEST_DURATION.labelValues("kukeon.v1.Kukeon/Get").observe(0.002);
        DaemonMetrics.CONTAINERD_CALL_DURATION.labelValues("containerd.services.tasks.v1.Tasks/Get", "OK").observe(0.001);
        DaemonMetrics.ACTOR_RESTARTS.labelValues("cell").inc();
        String text = scrape();

        Matcher types = TYPE.matcher(text);
        int families = 0;
        while (types.find()) {
            families++;
            String name = types.group(1);
            assertTrue(name.startsWith("kukeon_"), name + ": kukeon_ prefix");
            assertEquals(name.endsWith("_total"), types.group(2).equals("counter"), name + ": a counter ends in _total, nothing else does");
        }
        assertTrue(families >= 14, "every family is written:\n" + text);

        String app = "cell=\"web\",container=\"app\",realm=\"r\",space=\"s\",stack=\"t\"";
        assertTrue(text.contains("kukeon_container_restarts_total{" + app + "} 3.0"), text);
        assertTrue(text.contains("kukeon_container_state{" + app + ",state=\"Ready\"} 1.0"), text);
        assertTrue(text.contains("kukeon_container_state{" + app + ",state=\"Error\"} 0.0"), text);
        assertTrue(text.contains("kukeon_container_pids{" + app + "} 1.0"), "the running one's usage is read:\n" + text);
        assertTrue(text.contains("kukeon_container_cpu_seconds_total{" + app + "} 0.0"), text);
        assertTrue(!text.contains("kukeon_container_pids{cell=\"web\",container=\"side\""), "an exited one has no usage");
        assertTrue(text.contains("kukeon_objects{level=\"container\",state=\"Ready\"} 1.0"), text);
        assertTrue(text.contains("kukeon_objects{level=\"container\",state=\"Error\"} 1.0"), text);
        assertTrue(text.contains("kukeon_objects{level=\"realm\",state=\"Ready\"} 1.0"), text);
        assertTrue(text.contains("kukeon_objects{level=\"cell\",state=\"Degraded\"} 0.0"), "every state of a level, 0 when empty");
        assertTrue(text.contains("kukeon_api_requests_total{code=\"OK\",method=\"kukeon.v1.Kukeon/Get\"}"), text);
        assertTrue(text.contains("kukeon_actor_restarts_total{level=\"cell\"}"), text);
        assertTrue(text.contains("kukeon_api_request_duration_seconds_bucket{method=\"kukeon.v1.Kukeon/Get\",le=\"0.0025\"}"), text);
        for (String histogram : Set.of("kukeon_journal_write_seconds", "kukeon_api_request_duration_seconds",
                "kukeon_containerd_call_duration_seconds")) {
            assertTrue(text.contains("# TYPE " + histogram + " histogram"), histogram);
        }
    }

    @Test
    void withNoContainersOnlyTheCountsAreWritten() throws IOException {
        String text = scrape();
        assertTrue(text.contains("kukeon_objects{level=\"cell\",state=\"Ready\"} 0.0"), text);
        assertTrue(!text.contains("kukeon_container_"), text);
    }
}
