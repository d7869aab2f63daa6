package io.kukeon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.RealDaemon;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.ObjectDoc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kuke top}'s figures against the cgroup files of real cells (issue 16): cell {@code burn}
 * has a container spinning a core and one holding 32 MiB in /dev/shm under a limit; cell
 * {@code calm} only sleeps. v1 (hybrid) or v2, whichever this host mounts.
 */
@Tag("containerd")
class RealTopCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");
    private static final boolean V1 = Files.isDirectory(CGROUPS.resolve("memory"));
    private static final long HOLD_LIMIT = 256L << 20;

    @TempDir
    static Path work;
    static RealDaemon host;
    static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        host = new RealDaemon(work.resolve("data"));
        env = Map.of("KUKEON_HOST", "127.0.0.1:" + host.daemon().port(),
                "KUKEON_TOKEN_FILE", host.dataDir.resolve("token").toString());
        host.createStack("r", "s", "t");
        String cells = """
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: burn}
                spec:
                  realmId: r
                  spaceId: s
                  stackId: t
                  containers:
                    - {id: spin, root: true, image: docker.io/library/busybox:latest, command: /bin/sh, args: ['-c', 'while :; do :; done']}
                    - id: hold
                      image: docker.io/library/busybox:latest
                      command: /bin/sh
                      args: ['-c', 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=32 && exec sleep 3600']
                      resources: {memoryLimitBytes: %d}
                ---
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: calm}
                spec:
                  realmId: r
                  spaceId: s
                  stackId: t
                  containers:
                    - {id: main, root: true, image: docker.io/library/busybox:latest, command: sleep, args: ['3600']}
                """.formatted(HOLD_LIMIT);
        for (ApplyResult r : host.apply(cells)) {
            assertEquals("", r.getError(), r.getPath());
        }
        Eventually.value("hold's 32 MiB charged to burn", Duration.ofSeconds(60), () -> {
            ObjectDoc burn = get("Cell", "r/s/t/burn");
            return burn.getStatus().getCgroup().getUsage().getMemoryBytes() > 32L << 20 ? burn : null;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    private static ObjectDoc get(String kind, String path) throws Exception {
        return host.client().get(GetRequest.newBuilder().setKind(kind).setPath(path).build()).getObject();
    }

    private static KukeRun ok(String... args) {
        KukeRun r = KukeRun.of(env, args);
        assertEquals(0, r.exit(), () -> String.join(" ", args) + "\n" + r.out() + r.err());
        assertEquals("", r.err(), () -> String.join(" ", args));
        return r;
    }

    /** top's records by path. */
    private static Map<String, JsonNode> top(String... args) throws Exception {
        String[] all = new String[args.length + 3];
        all[0] = "top";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "-o";
        all[args.length + 2] = "json";
        Map<String, JsonNode> byPath = new HashMap<>();
        JSON.readTree(ok(all).out()).get("items").forEach(i -> byPath.put(i.get("path").asText(), i));
        return byPath;
    }

    /** A number from the group's file: v1 under the controller's hierarchy, v2 in the unified one. */
    private static long cgroupFile(String group, String controller, String v1File, String v2File) throws Exception {
        Path dir = V1 ? CGROUPS.resolve(controller).resolve(group.substring(1)) : CGROUPS.resolve(group.substring(1));
        return Long.parseLong(Files.readString(dir.resolve(V1 ? v1File : v2File)).trim());
    }

    private static void assertNear(long expected, long actual, String what) {
        // the group's memory moves a little between two reads (page cache, the kernel's own)
        assertTrue(Math.abs(expected - actual) <= Math.max(expected / 10, 4L << 20),
                what + ": top said " + actual + ", the cgroup file " + expected);
    }

    @Test
    void cellFiguresAreTheCellGroupsFiles() throws Exception {
        String group = get("Cell", "r/s/t/burn").getStatus().getCgroup().getPath();
        Map<String, JsonNode> cells = top("--realm", "r");
        assertEquals(List.of("r/s/t/burn", "r/s/t/calm").stream().sorted().toList(), cells.keySet().stream().sorted().toList());
        JsonNode burn = cells.get("r/s/t/burn");
        long memory = cgroupFile(group, "memory", "memory.usage_in_bytes", "memory.current");
        long pids = cgroupFile(group, "pids", "pids.current", "pids.current");

        assertTrue(burn.get("cpuPercent").asDouble() > 50, "a spinning shell on a 2-core host: " + burn);
        assertTrue(cells.get("r/s/t/calm").get("cpuPercent").asDouble() < 10, cells.get("r/s/t/calm").toString());
        assertNear(memory, burn.get("memoryBytes").asLong(), "burn's memory");
        assertTrue(burn.get("memoryBytes").asLong() > 32L << 20, burn.toString());
        assertEquals(pids, burn.get("pids").asLong(), "pids.current of the cell group");
        assertEquals(0, burn.get("restarts").asInt());
        assertTrue(burn.has("blockReadBytes") && burn.has("blockWriteBytes"), burn.toString());

        String table = ok("top", "--realm", "r").out();
        assertTrue(table.lines().skip(1).findFirst().orElse("").startsWith("r/s/t/burn "), "busiest first:\n" + table);
        assertTrue(ok("top", "--realm", "r", "--sort", "memory").out().lines().skip(1).findFirst().orElse("")
                .startsWith("r/s/t/burn "));
    }

    @Test
    void containerFiguresAreTheirTasksGroups() throws Exception {
        ObjectDoc hold = get("Container", "r/s/t/burn/hold");
        Map<String, JsonNode> containers = top("containers", "--cell", "burn");
        assertEquals(2, containers.size(), containers.toString());
        JsonNode spin = containers.get("r/s/t/burn/spin");
        JsonNode held = containers.get("r/s/t/burn/hold");
        String group = hold.getStatus().getContainer().getCgroupPath();
        long memory = cgroupFile(group, "memory", "memory.usage_in_bytes", "memory.current");

        assertTrue(spin.get("cpuPercent").asDouble() > 50, spin.toString());
        assertTrue(held.get("cpuPercent").asDouble() < 10, held.toString());
        assertEquals(HOLD_LIMIT, held.get("memoryLimitBytes").asLong(), held.toString());
        assertEquals(HOLD_LIMIT, cgroupFile(group, "memory", "memory.limit_in_bytes", "memory.max"));
        assertNear(memory, held.get("memoryBytes").asLong(), "hold's memory");
        assertEquals(cgroupFile(group, "pids", "pids.current", "pids.current"), held.get("pids").asLong());

        String table = ok("top", "containers", "--cell", "burn").out();
        assertTrue(table.contains(" / 256.0 MiB "), table);
    }
}
