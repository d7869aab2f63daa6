package io.kukeon.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kukeon.model.CgroupPath;
import io.kukeon.model.ContainerSecurity;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Resources;
import io.kukeon.runtime.ContainerRequest;
import io.kukeon.runtime.RuntimeFailure;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OciSpecBuilderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ImageConfig NGINX_LIKE = new ImageConfig(List.of("/docker-entrypoint.sh"), List.of("nginx", "-g", "daemon off;"),
            List.of("PATH=/usr/sbin:/usr/bin", "NGINX_VERSION=1.25"), "/srv", null, List.of());
    private static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\nwww:x:33:34:www:/var/www:/bin/false\n";
    private static final String GROUP = "root:x:0:\nstaff:x:50:\n";
    private static final OciSpecBuilder.ImageFiles FILES = path -> switch (path) {
        case "/etc/passwd" -> PASSWD;
        case "/etc/group" -> GROUP;
        default -> null;
    };

    private static ContainerRequest request(String command, List<String> args, List<String> env, String user,
                                            Resources resources, Map<String, String> joins) {
        return new ContainerRequest("realm.kukeon.io", "sp_st_cell_web", Map.of("kukeon.io/cell", "cell"),
                "docker.io/library/nginx:latest", command, args, env, null, user, "cell",
                CgroupPath.parse("/kukeon/realm/sp/st/cell/sp_st_cell_web"), resources, joins, "cell");
    }

    private static JsonNode spec(ContainerRequest r, ImageConfig image) throws Exception {
        return JSON.readTree(OciSpecBuilder.build(r, image, FILES));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void withoutOverridesTheImagesEntrypointAndCmdRun() throws Exception {
        JsonNode s = spec(request(null, List.of(), List.of(), null, null, null), NGINX_LIKE);
        assertEquals(List.of("/docker-entrypoint.sh", "nginx", "-g", "daemon off;"), strings(s.at("/process/args")));
        assertEquals("/srv", s.at("/process/cwd").asText());
    }

    @Test
    void argsReplaceTheCmdAndKeepTheEntrypoint() throws Exception {
        JsonNode s = spec(request(null, List.of("nginx", "-T"), List.of(), null, null, null), NGINX_LIKE);
        assertEquals(List.of("/docker-entrypoint.sh", "nginx", "-T"), strings(s.at("/process/args")));
    }

    @Test
    void aCommandReplacesTheEntrypointAndDropsTheCmd() throws Exception {
        assertEquals(List.of("/bin/sh"), strings(spec(request("/bin/sh", List.of(), List.of(), null, null, null), NGINX_LIKE)
                .at("/process/args")));
        assertEquals(List.of("/bin/sh", "-c", "true"), strings(spec(request("/bin/sh", List.of("-c", "true"), List.of(), null,
                null, null), NGINX_LIKE).at("/process/args")));
    }

    @Test
    void anImageWithNothingToRunAndNoCommandIsAClearError() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> spec(request(null, List.of(), List.of(), null, null, null), ImageConfig.EMPTY));
        assertTrue(e.getMessage().contains("neither Entrypoint nor Cmd"), e.getMessage());
    }

    @Test
    void containerEnvOverridesTheImagesKeyByKeyAndPathIsDefaulted() throws Exception {
        JsonNode s = spec(request(null, List.of(), List.of("NGINX_VERSION=9", "MODE=prod"), null, null, null), NGINX_LIKE);
        assertEquals(List.of("PATH=/usr/sbin:/usr/bin", "NGINX_VERSION=9", "MODE=prod"), strings(s.at("/process/env")));
        assertEquals(List.of(OciSpecBuilder.DEFAULT_PATH, "A=1"), OciSpecBuilder.env(List.of(), List.of("A=1")));
    }

    @Test
    void usersAreNumericOrResolvedFromTheImagesPasswdAndGroup() {
        assertEquals(List.of(0, 0), ids(null));
        assertEquals(List.of(1000, 0), ids("1000"));
        assertEquals(List.of(33, 34), ids("33"), "primary group of uid 33 from /etc/passwd");
        assertEquals(List.of(1000, 1001), ids("1000:1001"));
        assertEquals(List.of(33, 34), ids("www"));
        assertEquals(List.of(33, 50), ids("www:staff"));
        assertEquals(List.of(1000, 50), ids("1000:staff"));
    }

    private static List<Integer> ids(String user) {
        int[] ids = OciSpecBuilder.users(user, FILES);
        return List.of(ids[0], ids[1]);
    }

    @Test
    void anUnknownUserNameIsAClearError() {
        RuntimeFailure unknown = assertThrows(RuntimeFailure.class, () -> OciSpecBuilder.users("nginx", FILES));
        assertEquals("InvalidUser", unknown.kind());
        assertTrue(unknown.getMessage().contains("\"nginx\" is not in the image's /etc/passwd"), unknown.getMessage());
        RuntimeFailure noPasswd = assertThrows(RuntimeFailure.class, () -> OciSpecBuilder.users("www", OciSpecBuilder.ImageFiles.NONE));
        assertTrue(noPasswd.getMessage().contains("has no /etc/passwd"), noPasswd.getMessage());
        assertThrows(RuntimeFailure.class, () -> OciSpecBuilder.users("www:wheel", FILES));
    }

    @Test
    void theUserOfTheRequestBeatsTheImages() throws Exception {
        ImageConfig withUser = new ImageConfig(List.of(), List.of("sh"), List.of(), null, "www", List.of());
        assertEquals(33, spec(request(null, List.of(), List.of(), null, null, null), withUser).at("/process/user/uid").asInt());
        assertEquals(7, spec(request(null, List.of(), List.of(), "7:7", null, null), withUser).at("/process/user/uid").asInt());
    }

    @Test
    void theCgroupsPathIsAbsoluteAndTheDefaultsAreThoseOfCtr() throws Exception {
        JsonNode s = spec(request(null, List.of(), List.of(), null, null, null), NGINX_LIKE);
        assertEquals("/kukeon/realm/sp/st/cell/sp_st_cell_web", s.at("/linux/cgroupsPath").asText());
        assertEquals(14, s.at("/process/capabilities/bounding").size());
        assertEquals(OciSpecBuilder.DEFAULT_CAPABILITIES, strings(s.at("/process/capabilities/effective")));
        assertTrue(s.at("/process/noNewPrivileges").asBoolean());
        assertEquals(OciSpecBuilder.MASKED_PATHS, strings(s.at("/linux/maskedPaths")));
        assertEquals(OciSpecBuilder.READONLY_PATHS, strings(s.at("/linux/readonlyPaths")));
        assertEquals("rootfs", s.at("/root/path").asText());
        assertEquals("cell", s.at("/hostname").asText());
        List<String> destinations = new ArrayList<>();
        s.at("/mounts").forEach(m -> destinations.add(m.get("destination").asText()));
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup", "/run"),
                destinations);
    }

    @Test
    void cgroupsAreWritableOnlyToAPrivilegedContainerOrANestedRuntimeInItsOwnCgroupNamespace() throws Exception {
        assertEquals("ro", cgroupMode(false, false, false));
        assertEquals("rw", cgroupMode(false, false, true));
        assertEquals("ro", cgroupMode(false, true, true), "the host's cgroup namespace: the host's tree");
        assertEquals("rw", cgroupMode(true, false, false), "as docker does for --privileged");
    }

    private static String cgroupMode(boolean privileged, boolean hostCgroup, boolean nested) throws Exception {
        ContainerRequest r = request(null, List.of(), List.of(), null, null, null);
        ContainerSecurity security = new ContainerSecurity(privileged, ContainerSecurity.Capabilities.NONE, false,
                List.of(), List.of(), false, hostCgroup);
        JsonNode s = spec(new ContainerRequest(r.namespace(), r.containerdId(), r.labels(), r.image(), r.command(),
                r.args(), r.env(), r.workingDir(), r.user(), r.hostname(), r.cgroupsPath(), r.resources(),
                r.joinNamespaces(), r.shimGroup(), false, List.of(), security, List.of(), nested), NGINX_LIKE);
        for (JsonNode m : s.at("/mounts")) {
            if (m.get("destination").asText().equals("/sys/fs/cgroup")) {
                assertEquals("cgroup", m.get("type").asText());
                List<String> options = strings(m.get("options"));
                return options.get(options.size() - 1);
            }
        }
        throw new AssertionError("no cgroup mount in " + s.at("/mounts"));
    }

    @Test
    void joinedNamespacesReplaceNewOnesAndTheHostnameGoesWithTheUts() throws Exception {
        JsonNode s = spec(request(null, List.of(), List.of(), null, null, Map.of("network", "/proc/42/ns/net",
                "ipc", "/proc/42/ns/ipc", "uts", "/proc/42/ns/uts")), NGINX_LIKE);
        List<String> types = new ArrayList<>();
        s.at("/linux/namespaces").forEach(n -> {
            types.add(n.get("type").asText());
            String path = n.path("path").asText(null);
            switch (n.get("type").asText()) {
                case "network" -> assertEquals("/proc/42/ns/net", path);
                case "ipc" -> assertEquals("/proc/42/ns/ipc", path);
                case "uts" -> assertEquals("/proc/42/ns/uts", path);
                default -> assertEquals(null, path, n.get("type").asText() + " is new");
            }
        });
        assertEquals(OciSpecBuilder.NAMESPACES, types);
        assertFalse(s.has("hostname"), "runc refuses a hostname without its own uts namespace");
    }

    private static ContainerRequest onHostNetwork(Map<String, String> joins) {
        ContainerRequest r = request(null, List.of(), List.of(), null, null, joins);
        return new ContainerRequest(r.namespace(), r.containerdId(), r.labels(), r.image(), r.command(), r.args(), r.env(),
                r.workingDir(), r.user(), r.hostname(), r.cgroupsPath(), r.resources(), r.joinNamespaces(), r.shimGroup(), true,
                List.of());
    }

    private static Map<String, String> namespaces(JsonNode spec) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        spec.at("/linux/namespaces").forEach(n -> out.put(n.get("type").asText(), n.path("path").asText("")));
        return out;
    }

    @Test
    void onTheHostsNetworkARootHasNoNetworkNamespaceOfItsOwnButKeepsItsUtsAndHostname() throws Exception {
        JsonNode s = spec(onHostNetwork(Map.of()), NGINX_LIKE);
        Map<String, String> namespaces = namespaces(s);
        assertEquals(List.of("pid", "ipc", "uts", "mount", "cgroup"), List.copyOf(namespaces.keySet()));
        assertTrue(namespaces.values().stream().allMatch(String::isEmpty), namespaces.toString());
        assertEquals("cell", s.at("/hostname").asText());
    }

    @Test
    void onTheHostsNetworkWithANamedNamespaceTheRootJoinsThatOne() throws Exception {
        JsonNode s = spec(onHostNetwork(Map.of("network", "/run/netns/kukeon-host")), NGINX_LIKE);
        Map<String, String> namespaces = namespaces(s);
        assertEquals(OciSpecBuilder.NAMESPACES, List.copyOf(namespaces.keySet()));
        assertEquals("/run/netns/kukeon-host", namespaces.get("network"));
        assertEquals("", namespaces.get("uts"), "its uts namespace is still its own");
    }

    @Test
    void badJoinsAreRefused() {
        assertThrows(InvalidArgumentException.class, () -> spec(request(null, List.of(), List.of(), null, null,
                Map.of("mount", "/proc/1/ns/mnt")), NGINX_LIKE));
        assertThrows(InvalidArgumentException.class, () -> spec(request(null, List.of(), List.of(), null, null,
                Map.of("network", "proc/1/ns/net")), NGINX_LIKE));
    }

    @Test
    void resourcesBecomeRuncsLinuxResources() throws Exception {
        Resources r = new Resources(null, 512L, 100L,
                new Resources.Cpu(null, 50_000L, null, "0-1", "0"),
                new Resources.Memory(null, 32L << 20, null, 128L << 20, 64L << 20),
                new Resources.Io(500L, List.of(new Resources.IoLimit("8:0", 1_000_000L, null, null, 300L))), null);
        JsonNode res = spec(request(null, List.of(), List.of(), null, r, null), NGINX_LIKE).at("/linux/resources");

        assertEquals(128L << 20, res.at("/memory/limit").asLong());
        assertEquals(32L << 20, res.at("/memory/reservation").asLong());
        assertEquals((128L << 20) + (64L << 20), res.at("/memory/swap").asLong(), "runc's swap is memory + swap");
        assertEquals(512, res.at("/cpu/shares").asLong());
        assertEquals(50_000, res.at("/cpu/quota").asLong());
        assertEquals(100_000, res.at("/cpu/period").asLong(), "the default period goes with a quota");
        assertEquals("0-1", res.at("/cpu/cpus").asText());
        assertEquals("0", res.at("/cpu/mems").asText());
        assertEquals(100, res.at("/pids/limit").asLong());
        assertEquals(500, res.at("/blockIO/weight").asLong());
        assertEquals(8, res.at("/blockIO/throttleReadBpsDevice/0/major").asLong());
        assertEquals(1_000_000, res.at("/blockIO/throttleReadBpsDevice/0/rate").asLong());
        assertEquals(300, res.at("/blockIO/throttleWriteIOPSDevice/0/rate").asLong());
        assertTrue(res.at("/blockIO/throttleWriteBpsDevice").isMissingNode());
        assertFalse(res.at("/devices/0/allow").asBoolean(), "devices: deny all, runc adds its defaults");
    }

    @Test
    void noResourcesMeansOnlyTheDeviceRule() throws Exception {
        JsonNode res = spec(request(null, List.of(), List.of(), null, null, null), NGINX_LIKE).at("/linux/resources");
        assertEquals(List.of("devices"), List.copyOf(iterable(res.fieldNames())));
    }

    @Test
    void aCpuWeightBecomesShares() throws Exception {
        Resources r = new Resources(null, null, null, new Resources.Cpu(10_000L, null, null, null, null), null, null, null);
        JsonNode res = spec(request(null, List.of(), List.of(), null, r, null), NGINX_LIKE).at("/linux/resources");
        assertEquals(262_144, res.at("/cpu/shares").asLong());
        assertTrue(res.at("/cpu/quota").isMissingNode());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void anExecKeepsTheContainersConfinementAndReplacesOnlyWhatItNames() throws Exception {
        String container = OciSpecBuilder.build(request(null, List.of(), List.of("MODE=prod"), "www", null, null), NGINX_LIKE, FILES);
        io.kukeon.runtime.ExecRequest exec = new io.kukeon.runtime.ExecRequest("realm.kukeon.io", "sp_st_cell_web", "kuke-exec-1",
                List.of("sh", "-c", "id"), List.of("MODE=debug", "EXTRA=1"), "/tmp", "0:50", false, true, 120, 40,
                java.nio.file.Path.of("/tmp/unused"));
        JsonNode p = JSON.readTree(OciSpecBuilder.execProcess(container, exec, FILES));
        JsonNode original = JSON.readTree(container).at("/process");
        assertEquals(List.of("sh", "-c", "id"), strings(p.at("/args")));
        assertTrue(p.at("/terminal").asBoolean());
        assertEquals(40, p.at("/consoleSize/height").asInt());
        assertEquals(120, p.at("/consoleSize/width").asInt());
        assertTrue(strings(p.at("/env")).containsAll(List.of("MODE=debug", "EXTRA=1", "NGINX_VERSION=1.25")), p.at("/env").toString());
        assertFalse(strings(p.at("/env")).contains("MODE=prod"));
        assertEquals("/tmp", p.at("/cwd").asText());
        assertEquals(0, p.at("/user/uid").asInt());
        assertEquals(50, p.at("/user/gid").asInt());
        assertEquals(original.at("/capabilities"), p.at("/capabilities"), "the container's capabilities");
        assertEquals(original.at("/noNewPrivileges"), p.at("/noNewPrivileges"));
        assertEquals(original.at("/rlimits"), p.at("/rlimits"));

        io.kukeon.runtime.ExecRequest plain = new io.kukeon.runtime.ExecRequest("realm.kukeon.io", "sp_st_cell_web", "kuke-exec-2",
                List.of("true"), List.of(), null, null, false, false, 0, 0, java.nio.file.Path.of("/tmp/unused"));
        JsonNode q = JSON.readTree(OciSpecBuilder.execProcess(container, plain, FILES));
        assertEquals(original.at("/user"), q.at("/user"), "the container's user");
        assertEquals(original.at("/cwd"), q.at("/cwd"));
        assertFalse(q.at("/terminal").asBoolean());
        assertTrue(q.at("/consoleSize").isMissingNode());
    }
}
