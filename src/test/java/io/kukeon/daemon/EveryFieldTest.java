package io.kukeon.daemon;

import com.google.protobuf.ByteString;
import io.kukeon.manifest.ManifestWriter;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.RealDaemon;
import io.kukeon.wire.ObjectMapping;
import io.kukeon.wire.v1.ApplyRequest;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.GetRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One manifest with every field of the reference's Cell and Container spec that kukeond acts on
 * ({@code manifests/real/every-field.yaml}) applies, runs on the real containerd, does inside its
 * containers what each field says, and round-trips: {@code get -o yaml | apply -f -} is unchanged.
 * Each field family has its own, closer test; this one guards that they hold together. Its names
 * have capitals and dots (as the reference allows), through containerd, cgroups, the space's
 * network and its iptables rules, and a restart of kukeond that adopts the running cell.
 */
@Tag("containerd")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryFieldTest {
    RealDaemon host;
    Path work;
    String device;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        work = dir;
        device = dir.resolve("null-copy").toString();
        Process mknod = new ProcessBuilder("mknod", "-m", "0666", device, "c", "1", "3").inheritIO().start();
        assertEquals(0, mknod.waitFor(), "mknod of the test's device node");
        Path in = Files.createDirectory(dir.resolve("in"));
        script(in.resolve("report.sh"), "main",
                "echo uid=$(id -u) cwd=$(pwd) mode=$MODE",
                "[ \"$TOKEN\" = every-secret-value ] && echo token=ok",
                "[ -n \"$HOST_PATH\" ] && echo host-path=ok",
                "echo file=$(cat /run/secrets/file) perm=$(stat -c %a /run/secrets/file)",
                "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status",
                "touch /rootfs-write; echo rootfs=$?",
                "touch /in/x; echo in=$?",
                "touch /made/ok; echo made=$?",
                "touch /scratch/ok; echo scratch=$?",
                "echo kept > /data/kept.txt; echo volume=$?",
                "stat -c 'device=%t:%T' " + device,
                "for f in memory/memory.limit_in_bytes memory.max pids/pids.max pids.max; do"
                        + " [ -f /sys/fs/cgroup/$f ] && echo \"limit $f=$(cat /sys/fs/cgroup/$f)\"; done",
                "d=/sys/fs/cgroup; [ -d $d/pids ] && d=$d/pids; mkdir $d/inner; echo nested=$?",
                "grep -E ' /(tmp|scratch) ' /proc/mounts");
        script(in.resolve("side.sh"), "side",
                "echo uid=$(id -u)",
                "grep -E '^(CapEff|NoNewPrivs):' /proc/self/status",
                "touch /rootfs-write; echo rootfs=$?",
                "grep ' /cache ' /proc/mounts",
                "for f in pids/pids.max pids.max; do [ -f /sys/fs/cgroup/$f ] && echo \"limit $f=$(cat /sys/fs/cgroup/$f)\"; done");
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));   // side runs as 65534
        Files.writeString(dir.resolve("secret.txt"), "from-a-file");
        host = new RealDaemon(Files.createDirectory(dir.resolve("data")));
        host.createStack("Team.a", "Shop.EU", "v1.2");
    }

    @AfterAll
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    /** A script that reports to {@code /out/<name>.txt}, ends the report with "done", and stays up until stopped. */
    private static void script(Path path, String name, String... lines) throws Exception {
        Files.writeString(path, "#!/bin/sh\nexec > /out/" + name + ".txt 2>&1\n" + String.join("\n", lines)
                + "\necho done\ntrap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String manifest() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/manifests/real/every-field.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${WORK}", work.toString())
                    .replace("${DEVICE}", device);
        }
    }

    private List<ApplyResult> apply(String yaml) throws Exception {
        return host.client().apply(ApplyRequest.newBuilder().setManifest(ByteString.copyFromUtf8(yaml)).build())
                .getResultsList();
    }

    private String report(String name) throws Exception {
        Path file = work.resolve("out/" + name + ".txt");
        return Eventually.value(name + "'s report", Duration.ofSeconds(60),
                () -> Files.exists(file) && Files.readString(file).contains("done\n") ? Files.readString(file) : null);
    }

    @Test
    void everyFieldAppliesRunsDoesWhatItSaysAndRoundTrips() throws Exception {
        for (ApplyResult r : apply(manifest())) {
            assertTrue(r.getOutcome().equals("created") || r.getOutcome().equals("updated"), r.toString());
        }

        String main = report("main");
        assertTrue(main.contains("uid=0 cwd=/scratch mode=every"), main);
        assertTrue(main.contains("token=ok") && main.contains("host-path=ok"), main);
        assertTrue(main.contains("file=from-a-file perm=400"), main);
        long capEff = Long.parseLong(field(main, "CapEff"), 16);
        assertTrue((capEff & (1L << 10)) != 0, "NET_BIND_SERVICE added: " + main);
        assertEquals(0, capEff & ((1L << 13) | (1L << 27)), "NET_RAW and MKNOD dropped: " + main);
        assertEquals("1", field(main, "NoNewPrivs"));
        assertEquals("2", field(main, "Seccomp"), "the default profile");
        assertTrue(main.contains("rootfs=1") && main.contains("in=1"), "read-only root and bind: " + main);
        assertTrue(main.contains("made=0") && main.contains("scratch=0"), main);
        assertTrue(Files.exists(work.resolve("made/ok")), "ensure made the bind's source");
        assertTrue(main.contains("volume=0"), main);
        try (var found = Files.find(work.resolve("data"), 12, (p, a) -> p.endsWith("cells/My.cell/kept.txt"))) {
            assertEquals(1, found.count(), "the stack's volume holds the cell's own directory");
        }
        assertTrue(main.contains("device=1:3"), main);
        assertTrue(main.contains("memory.limit_in_bytes=134217728") || main.contains("memory.max=134217728"), main);
        assertTrue(main.contains("pids.max=64"), main);
        assertTrue(main.contains("nested=0"), "nestedCgroupRuntime: " + main);
        assertTrue(Pattern.compile("tmpfs /tmp tmpfs \\S*nosuid\\S*noexec|tmpfs /tmp tmpfs \\S*noexec").matcher(main).find(), main);
        assertTrue(Pattern.compile("tmpfs /scratch tmpfs \\S*size=4096k\\S*mode=750").matcher(main).find(), main);

        String side = report("side");
        assertTrue(side.contains("uid=65534"), "the space's default user: " + side);
        assertEquals("0000000000000000", field(side, "CapEff"), "the space's default drop: " + side);
        assertEquals("1", field(side, "NoNewPrivs"));
        assertTrue(side.contains("rootfs=1") && side.contains("tmpfs /cache tmpfs"), side);
        assertTrue(side.contains("pids.max=32"), "the space's default resources: " + side);

        assertEquals("Ready", Eventually.value("the cell Ready", Duration.ofSeconds(30), () -> {
            String state = get("Cell", "Team.a/Shop.EU/v1.2/My.cell").getStatus().getState();
            return state.equals("Ready") ? state : null;
        }));
        for (String[] object : List.of(new String[] {"Space", "Team.a/Shop.EU"}, new String[] {"Cell", "Team.a/Shop.EU/v1.2/My.cell"})) {
            String written = ManifestWriter.yaml(List.of(ObjectMapping.fromProto(get(object[0], object[1]))));
            List<ApplyResult> again = apply(written);
            assertEquals("unchanged", again.get(0).getOutcome(), written + "\n" + again);
        }

        String pidBefore = pidOf("main.app");
        host.stop();
        host.start();
        assertEquals(pidBefore, Eventually.value("the cell adopted", Duration.ofSeconds(30), () -> {
            io.kukeon.wire.v1.ObjectDoc cell = get("Cell", "Team.a/Shop.EU/v1.2/My.cell");
            return cell.getStatus().getState().equals("Ready") ? pidOf("main.app") : null;
        }), "the same task, adopted after the restart");
    }

    private String pidOf(String container) throws Exception {
        return get("Cell", "Team.a/Shop.EU/v1.2/My.cell").getStatus().getContainersList().stream()
                .filter(c -> c.getName().equals(container)).map(c -> String.valueOf(c.getPid())).findFirst().orElseThrow();
    }

    private io.kukeon.wire.v1.ObjectDoc get(String kind, String path) throws Exception {
        return host.client().get(GetRequest.newBuilder().setKind(kind).setPath(path).build()).getObject();
    }

    private static String field(String log, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s*(\\S+)").matcher(log);
        assertTrue(m.find(), name + " in " + log);
        return m.group(1);
    }
}
