package io.kukeon.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kuke get nodes} against a kukeond alone: one node, its labels, capacity and cells. */
class NodesAgainstDaemonTest extends AgainstTestDaemon {
    @Override
    Map<String, String> daemonFlags() {
        return Map.of("cluster.node-name", "solo", "cluster.labels", "zone=a,disk=ssd", "cluster.cpu", "1.5",
                "cluster.memory", "2GiB");
    }

    @Test
    void oneNodeWithItsLabelsCapacityAndCells() {
        ok("init");
        ok("apply", "-f", example("hello-world.yaml"));
        String[] lines = ok("get", "nodes").out().split("\n");
        assertEquals(2, lines.length, String.join("\n", lines));
        assertEquals(java.util.List.of("NAME", "STATUS", "LABELS", "CELLS", "CPU", "MEMORY", "AGE"),
                java.util.List.of(lines[0].trim().split("\\s+")));
        String[] row = lines[1].trim().split("\\s+");
        assertEquals("solo", row[0]);
        assertEquals("Up", row[1]);
        assertEquals("disk=ssd,zone=a", row[2]);
        assertEquals("1", row[3]);
        assertEquals("0/1.5", row[4]);
        assertEquals("0/2Gi", row[5]);
        assertEquals("1.5Gi", NodeCommands.quantity(3L << 29));
        assertEquals("64Mi", NodeCommands.quantity(64L << 20));
        assertEquals("node/solo\n", ok("get", "no", "-o", "name").out());
        String json = ok("get", "node", "-o", "json").out();
        assertTrue(json.contains("\"cpuCapacityMillis\" : 1500") || json.contains("\"cpuCapacityMillis\": 1500"), json);
    }
}
