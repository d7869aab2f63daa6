package io.kukeon.daemon;

import io.grpc.StatusRuntimeException;
import io.kukeon.testing.Eventually;
import io.kukeon.testing.RealDaemon;
import io.kukeon.wire.v1.ApplyResult;
import io.kukeon.wire.v1.GetRequest;
import io.kukeon.wire.v1.LogChunk;
import io.kukeon.wire.v1.LogsRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The container security fields against the real containerd and runc: one daemon, one cell whose
 * containers each print what the kernel says of them (/proc/self/status, errors of what they try)
 * to their log, read back through the daemon.
 */
@Tag("containerd")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealSecurityTest {
    /** Where a device node of the test's own stands (a copy of /dev/null: char 1:3). */
    static final String DEVICE_NAME = "null-copy";
    Path deviceDir;
    RealDaemon host;
    String device;
    /** A device node of the host that runc's default set lacks: a privileged container has it. */
    String hostOnlyDevice;
    /**
     * Makes a cgroup below the container's own and moves the shell into it: in the pids hierarchy on a
     * v1 or hybrid host, in the cgroup2 tree on a v2 one.
     */
    static final String CGROUP_PROBE = "d=/sys/fs/cgroup; [ -d $d/pids ] && d=$d/pids; grep \" /sys/fs/cgroup\" /proc/mounts;"
            + " mkdir $d/inner; echo mkdir=$?; echo $$ > $d/inner/cgroup.procs; echo moved=$?; grep pids /proc/self/cgroup; echo probed=1";

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        deviceDir = Files.createDirectory(dir.resolve("devices"));
        device = deviceDir.resolve(DEVICE_NAME).toString();
        Process mknod = new ProcessBuilder("mknod", "-m", "0666", device, "c", "1", "3").inheritIO().start();
        assertEquals(0, mknod.waitFor(), "mknod of the test's device node");
        hostOnlyDevice = hostOnlyDevice();
        host = new RealDaemon(Files.createDirectory(dir.resolve("data")));
        host.createStack("r", "s", "t");
        String status = "grep -E \"^(CapEff|NoNewPrivs|Seccomp):\" /proc/self/status; echo pidns=$(readlink /proc/self/ns/pid)"
                + " cgroupns=$(readlink /proc/self/ns/cgroup); ";
        ApplyResult result = host.apply(RealCellTest.cell("guarded",
                container("hardened", status + "touch /written; echo touch=$?",
                        "      readOnlyRootFilesystem: true\n      capabilities: {drop: [ALL]}\n"
                                + "      securityOpts: [no-new-privileges]\n")
                        + container("admin", status + "mkdir -p /tmp/m; mount -t tmpfs t /tmp/m; echo mount=$?;"
                                + " unshare -n true; echo unshare=$?; " + CGROUP_PROBE, "      capabilities: {add: [sys_admin]}\n")
                        + container("unconfined", status + "mkdir -p /tmp/m; mount -t tmpfs t /tmp/m; echo mount=$?;"
                                + " unshare -n true; echo unshare=$?",
                        "      capabilities: {add: [CAP_SYS_ADMIN]}\n"
                                + "      securityOpts: [seccomp=unconfined, no-new-privileges=false]\n")
                        // the root: sysfs is the network namespace's, read-only for all once a first container mounts it so
                        + container("privileged", status + "grep \" /sys \" /proc/mounts; ls " + hostOnlyDevice
                                + " && echo host-device=present || echo host-device=absent",
                        "      root: true\n      privileged: true\n")
                        + container("host", status, "      hostPID: true\n      hostCgroup: true\n")
                        + container("device", status + "stat -c \"%t:%T %F\" " + device + "; echo hi > " + device
                                + "; echo wrote=$?", "      devices: [" + device + "]\n"))).get(0);
        assertEquals("created", result.getOutcome(), result.toString());
    }

    @AfterAll
    void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void aReadOnlyRootWithoutCapabilitiesRunsUnderTheDefaultProfile() throws Exception {
        String log = log("hardened", "touch=");
        assertTrue(log.contains("Read-only file system"), log);
        assertTrue(log.contains("touch=1"), log);
        assertEquals("0000000000000000", field(log, "CapEff"), log);
        assertEquals("1", field(log, "NoNewPrivs"), log);
        assertEquals("2", field(log, "Seccomp"), log);
        assertNotEquals(hostNamespace("pid"), namespaceIn(log, "pidns"), "a pid namespace of its own");
    }

    @Test
    void theDefaultProfileDeniesMountAndNewNamespacesEvenWithSysAdmin() throws Exception {
        String log = log("admin", "unshare=");
        assertEquals("2", field(log, "Seccomp"), log);
        assertTrue(Long.parseLong(field(log, "CapEff"), 16) != 0, log);
        assertTrue(log.contains("mount=1") && log.contains("permission denied"), log);   // busybox's words for EPERM
        assertTrue(log.contains("Operation not permitted") && log.contains("unshare=1"), log);
    }

    @Test
    void unconfinedLetsSysAdminMountAndNewPrivilegesBeGained() throws Exception {
        String log = log("unconfined", "unshare=");
        assertEquals("0", field(log, "Seccomp"), log);
        assertEquals("0", field(log, "NoNewPrivs"), log);
        assertTrue(log.contains("mount=0"), log);
        assertTrue(log.contains("unshare=0"), log);
    }

    @Test
    void privilegedHasEveryCapabilityAWritableSysAndTheHostsDevices() throws Exception {
        String log = log("privileged", "host-device=");
        assertEquals(ownStatus("CapBnd"), field(log, "CapEff"), log);
        assertEquals("0", field(log, "Seccomp"), log);
        assertTrue(Pattern.compile(" /sys sysfs rw[ ,]").matcher(log).find(), log);
        assertTrue(log.contains("host-device=present"), log);
    }

    @Test
    void aNestedCgroupRuntimeCellsContainersManageCgroupsBelowTheirOwn() throws Exception {
        String cell = RealCellTest.cell("nested", container("runtime", CGROUP_PROBE, ""))
                .replace("  containers:\n", "  nestedCgroupRuntime: true\n  containers:\n");
        assertEquals("created", host.apply(cell).get(0).getOutcome());
        String nested = log("nested", "runtime", "probed=");
        assertTrue(nested.contains("mkdir=0") && nested.contains("moved=0"), nested);
        assertTrue(Pattern.compile("(?m)pids:/inner$").matcher(nested).find(), "its own subtree is its root: " + nested);
        assertTrue(Pattern.compile("/sys/fs/cgroup\\S* cgroup2? rw[ ,]").matcher(nested).find(), nested);
        String plain = log("admin", "probed=");
        assertTrue(plain.contains("Read-only file system") && plain.contains("mkdir=1"), plain);
        assertTrue(Pattern.compile("/sys/fs/cgroup\\S* cgroup2? ro[ ,]").matcher(plain).find(), plain);
    }

    @Test
    void hostPidAndHostCgroupShareTheHostsNamespaces() throws Exception {
        String log = log("host", "cgroupns=");
        assertEquals(hostNamespace("pid"), namespaceIn(log, "pidns"), log);
        assertEquals(hostNamespace("cgroup"), namespaceIn(log, "cgroupns"), log);
        String other = log("hardened", "cgroupns=");
        assertNotEquals(hostNamespace("cgroup"), namespaceIn(other, "cgroupns"), other);
    }

    @Test
    void aDeviceIsPresentWithItsNumbersAndCanBeWritten() throws Exception {
        String log = log("device", "wrote=");
        assertTrue(log.contains("1:3 character special file"), log);
        assertTrue(log.contains("wrote=0"), log);
    }

    @Test
    void aChangedSecurityFieldRestartsTheContainerWithIt() throws Exception {
        String readOnly = "      readOnlyRootFilesystem: true\n";
        String app = "touch /written; echo touch=$?";
        assertEquals("created", host.apply(RealCellTest.cell("changing", container("app", app, readOnly))).get(0).getOutcome());
        assertTrue(log("changing", "app", "touch=").contains("touch=1"));
        ApplyResult changed = host.apply(RealCellTest.cell("changing", container("app", app, ""))).get(0);
        assertEquals("updated", changed.getOutcome(), changed.toString());
        assertTrue(changed.getChangesList().toString().contains("readOnlyRootFilesystem"), changed.toString());
        assertEquals("touch=0\n", log("changing", "app", "touch=0"), "the new run's log");
        String previous = read(LogsRequest.newBuilder().setPath("r/s/t/changing").setContainer("app").setPrevious(true));
        assertTrue(previous.endsWith("touch=1\n") && !previous.contains("touch=0"), "the first run is the previous one: " + previous);
    }

    @Test
    void aMissingDeviceOrProfileIsRefusedAtApplyAndChangesNothing() throws Exception {
        Path notADevice = Files.writeString(deviceDir.resolve("plain"), "x");
        Map<String, String> refused = Map.of(
                "      devices: [" + deviceDir.resolve("absent") + "]\n",
                "spec.containers[0].devices[0]: \"" + deviceDir.resolve("absent") + "\" does not exist on the host",
                "      devices: [" + notADevice + "]\n",
                "spec.containers[0].devices[0]: \"" + notADevice + "\" is not a device node",
                "      securityOpts: [seccomp=" + notADevice + "]\n",
                "spec.containers[0].securityOpts[0]: seccomp profile \"" + notADevice + "\" is not JSON");
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            ApplyResult result = host.apply(RealCellTest.cell("refused", container("app", "true", bad.getKey()))).get(0);
            assertEquals("failed", result.getOutcome(), result.toString());
            assertEquals("InvalidArgument", result.getErrorKind(), result.toString());
            assertTrue(result.getError().contains(bad.getValue()), result.getError());
            StatusRuntimeException absent = assertThrows(StatusRuntimeException.class, () -> host.client()
                    .get(GetRequest.newBuilder().setKind("Cell").setPath("r/s/t/refused").build()));
            assertEquals(io.grpc.Status.Code.NOT_FOUND, absent.getStatus().getCode());
        }
    }

    /** A busybox container that runs {@code script}, then sleeps so that its cell stays Ready. */
    private static String container(String id, String script, String extra) {
        script = script.trim().replaceAll(";$", "");
        return "    - id: " + id + "\n      image: docker.io/library/busybox:latest\n      command: /bin/sh\n"
                + "      args: ['-c', 'exec 2>&1; " + script.replace("'", "''") + "; exec sleep 3600']\n" + extra;
    }

    /** The container's log once it holds {@code last}, the mark of its script's last line. */
    private String log(String container, String last) throws Exception {
        return log("guarded", container, last);
    }

    private String log(String cell, String container, String last) throws Exception {
        return Eventually.value(container + "'s log holding " + last, Duration.ofSeconds(30), () -> {
            String out = read(LogsRequest.newBuilder().setPath("r/s/t/" + cell).setContainer(container));
            return out.contains(last) ? out : null;
        });
    }

    private String read(LogsRequest.Builder request) throws Exception {
        Iterator<LogChunk> chunks = host.client().logs(request.build());
        StringBuilder out = new StringBuilder();
        chunks.forEachRemaining(c -> out.append(c.getData().toString(StandardCharsets.UTF_8)));
        return out.toString();
    }

    /** A {@code /proc/self/status} line's value as the container printed it. */
    private static String field(String log, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s*(\\S+)").matcher(log);
        assertTrue(m.find(), name + " in " + log);
        return m.group(1);
    }

    private static String namespaceIn(String log, String key) {
        Matcher m = Pattern.compile(key + "=(\\S+)").matcher(log);
        assertTrue(m.find(), key + " in " + log);
        return m.group(1);
    }

    /** The namespace runc and this JVM run in (the test's containerd is a child of this host). */
    private static String hostNamespace(String kind) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/self/ns/" + kind)).toString();
    }

    private static String ownStatus(String name) throws Exception {
        return field(Files.readString(Path.of("/proc/self/status")), name);
    }

    /** A character device directly in the host's /dev that runc does not create in every container. */
    private static String hostOnlyDevice() throws Exception {
        Set<String> runcDefaults = Set.of("null", "zero", "full", "random", "urandom", "tty", "console", "ptmx");
        try (Stream<Path> dev = Files.list(Path.of("/dev"))) {
            return dev.filter(RealSecurityTest::isCharacterDevice)
                    .filter(p -> !runcDefaults.contains(p.getFileName().toString()))
                    .filter(p -> p.getFileName().toString().matches("[a-z][-a-z0-9]*"))
                    .map(Path::toString).sorted().findFirst()
                    .orElseThrow(() -> new AssertionError("the host's /dev has no device beyond runc's defaults"));
        }
    }

    private static boolean isCharacterDevice(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0020000;
        } catch (Exception e) {
            return false;
        }
    }
}
