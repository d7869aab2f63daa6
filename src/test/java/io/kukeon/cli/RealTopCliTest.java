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
 * has a container spinning a core, one holding 32 MiB in /dev/shm under a limit and one that writes
 * and reads 8 MiB with O_DIRECT under a loose io.max (block I/O the kernel charges to its writer, and
 * counts on v1); cell
 * {@code calm} only sleeps. v1 (hybrid) or v2, whichever this host mounts.
 */
@Tag("containerd")
class RealTopCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path CGROUPS = Path.of("/sys/fs/cgroup");
    static final boolean V1 = Files.isDirectory(CGROUPS.resolve("memory"));
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
                    - id: disk
                      image: docker.io/library/busybox:latest
                      command: /bin/sh
                      args: ['-c', 'dd if=/dev/zero of=/data/out bs=1M count=8 oflag=direct && dd if=/data/out of=/dev/null bs=1M iflag=direct && exec sleep 3600']
                      volumes: [{source: %s, target: /data}]
                      resources: {io: {max: [{device: '%s', rbps: 10737418240, wbps: 10737418240}]}}
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
                """.formatted(HOLD_LIMIT, Files.createDirectory(work.resolve("disk")), wholeDisk(work));
        for (ApplyResult r : host.apply(cells)) {
            assertEquals("", r.getError(), r.getPath());
        }
        Eventually.value("hold's 32 MiB charged to burn", Duration.ofSeconds(60), () -> {
            ObjectDoc burn = get("Cell", "r/s/t/burn");
            return burn.getStatus().getCgroup().getUsage().getMemoryBytes() > 32L << 20 ? burn : null;
        });
        java.util.concurrent.atomic.AtomicReference<Object> lastSeen = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            Eventually.value("disk's 8 MiB written and read back", Duration.ofSeconds(30), () -> {
                var disk = get("Container", "r/s/t/burn/disk").getStatus().getContainer();
                lastSeen.set(disk);
                return disk.getUsage().getBlockWriteBytes() >= 8L << 20 && disk.getUsage().getBlockReadBytes() >= 8L << 20 ? disk : null;
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen: " + lastSeen.get() + "; cell group " + get("Cell", "r/s/t/burn")
                    .getStatus().getCgroup(), e);
        }
    }

    /**
     * MAJ:MIN of the disk holding {@code dir} (a partition's disk: limits take whole devices). On v1
     * the kernel (6.x) counts a group's block I/O only where a throttle limit is set, hence one far
     * above what the test does.
     */
    private static String wholeDisk(Path dir) throws Exception {
        long dev = (Long) Files.getAttribute(dir, "unix:dev");
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        Path block = Path.of("/sys/dev/block", major + ":" + minor);
        return Files.exists(block.resolve("partition")) ? Files.readString(block.toRealPath().getParent().resolve("dev")).trim()
                : major + ":" + minor;
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
    static long cgroupFile(String group, String controller, String v1File, String v2File) throws Exception {
        Path dir = V1 ? CGROUPS.resolve(controller).resolve(group.substring(1)) : CGROUPS.resolve(group.substring(1));
        return Long.parseLong(Files.readString(dir.resolve(V1 ? v1File : v2File)).trim());
    }

    /** {read, write} bytes summed over devices, from the group's own file (the parsers' input, not their code). */
    private static long[] blockIo(String group) throws Exception {
        long[] io = new long[2];
        if (V1) {
            for (String line : Files.readAllLines(CGROUPS.resolve("blkio").resolve(group.substring(1))
                    .resolve("blkio.throttle.io_service_bytes_recursive"))) {
                String[] f = line.split(" ");
                if (f.length == 3) {
                    io[f[1].equals("Read") ? 0 : 1] += f[1].equals("Read") || f[1].equals("Write") ? Long.parseLong(f[2]) : 0;
                }
            }
        } else {
            for (String line : Files.readAllLines(CGROUPS.resolve(group.substring(1)).resolve("io.stat"))) {
                for (String field : line.split(" ")) {
                    io[0] += field.startsWith("rbytes=") ? Long.parseLong(field.substring(7)) : 0;
                    io[1] += field.startsWith("wbytes=") ? Long.parseLong(field.substring(7)) : 0;
                }
            }
        }
        return io;
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
        long[] io = blockIo(group);
        assertEquals(io[0], burn.get("blockReadBytes").asLong(), "bytes read, as the group's file sums them");
        assertEquals(io[1], burn.get("blockWriteBytes").asLong(), "bytes written, as the group's file sums them");
        assertTrue(io[1] >= 8L << 20, burn.toString());

        String table = ok("top", "--realm", "r").out();
        assertTrue(table.lines().skip(1).findFirst().orElse("").startsWith("r/s/t/burn "), "busiest first:\n" + table);
        assertTrue(ok("top", "--realm", "r", "--sort", "memory").out().lines().skip(1).findFirst().orElse("")
                .startsWith("r/s/t/burn "));
    }

    @Test
    void containerFiguresAreTheirTasksGroups() throws Exception {
        ObjectDoc hold = get("Container", "r/s/t/burn/hold");
        Map<String, JsonNode> containers = top("containers", "--cell", "burn");
        assertEquals(3, containers.size(), containers.toString());
        JsonNode disk = containers.get("r/s/t/burn/disk");
        assertTrue(disk.get("blockWriteBytes").asLong() >= 8L << 20 && disk.get("blockReadBytes").asLong() >= 8L << 20,
                disk.toString());
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
