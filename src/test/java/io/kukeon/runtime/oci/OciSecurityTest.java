package io.kukeon.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kukeon.model.CgroupPath;
import io.kukeon.model.ContainerSecurity;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.runtime.ContainerRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each security field makes of the OCI spec, and what the host check at apply refuses. */
class OciSecurityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ImageConfig BUSYBOX = new ImageConfig(List.of(), List.of("sh"), List.of(), null, null, List.of());
    private static final List<String> HOST_CAPABILITIES = OciSecurity.hostCapabilities(Path.of("/proc/self/status"));

    @TempDir
    Path dir;

    private static ContainerSecurity security(boolean privileged, List<String> add, List<String> drop, List<String> opts,
                                              List<String> devices) {
        return new ContainerSecurity(privileged, new ContainerSecurity.Capabilities(add, drop), false, opts, devices, false,
                false);
    }

    private static JsonNode spec(ContainerSecurity security) throws Exception {
        ContainerRequest r = new ContainerRequest("realm.kukeon.io", "s_t_c_app", Map.of(), "busybox", null, List.of(),
                List.of(), null, null, "c", CgroupPath.parse("/kukeon/r/s/t/c/s_t_c_app"), null, Map.of(), "s_t_c", false,
                List.of(), security, List.of());
        return JSON.readTree(OciSpecBuilder.build(r, BUSYBOX, OciSpecBuilder.ImageFiles.NONE));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> capabilities(ContainerSecurity s) throws Exception {
        JsonNode caps = spec(s).at("/process/capabilities");
        List<String> effective = strings(caps.get("effective"));
        assertEquals(effective, strings(caps.get("bounding")));
        assertEquals(effective, strings(caps.get("permitted")));
        return effective;
    }

    private static List<String> namespaces(JsonNode spec) {
        List<String> out = new ArrayList<>();
        spec.at("/linux/namespaces").forEach(n -> out.add(n.get("type").asText()));
        return out;
    }

    private static String sysOptions(JsonNode spec) {
        for (JsonNode m : spec.get("mounts")) {
            if (m.get("destination").asText().equals("/sys")) {
                return strings(m.get("options")).toString();
            }
        }
        throw new AssertionError("no /sys mount");
    }

    @Test
    void theDefaultsAreCtrsWithTheDefaultSeccompProfile() throws Exception {
        JsonNode s = spec(ContainerSecurity.NONE);
        assertEquals(OciSpecBuilder.DEFAULT_CAPABILITIES, capabilities(ContainerSecurity.NONE));
        assertTrue(s.at("/process/noNewPrivileges").asBoolean());
        assertFalse(s.at("/root/readonly").asBoolean());
        assertEquals(OciSpecBuilder.MASKED_PATHS, strings(s.at("/linux/maskedPaths")));
        assertEquals(OciSpecBuilder.READONLY_PATHS, strings(s.at("/linux/readonlyPaths")));
        assertTrue(sysOptions(s).contains("ro"), sysOptions(s));
        assertEquals(OciSpecBuilder.NAMESPACES, namespaces(s));
        assertEquals(SeccompProfiles.defaultProfile(), s.at("/linux/seccomp"));
        assertFalse(s.at("/linux").has("devices"));
        assertEquals(1, s.at("/linux/resources/devices").size(), "only the deny-all rule");
    }

    @Test
    void capabilitiesAreTheDefaultsMinusDropPlusAddWithAllOnEitherSide() throws Exception {
        assertEquals(List.of(), capabilities(security(false, null, List.of("ALL"), null, null)));
        assertEquals(List.of("CAP_NET_ADMIN"), capabilities(security(false, List.of("net_admin"), List.of("all"), null, null)));
        List<String> everyButKill = new ArrayList<>(HOST_CAPABILITIES);
        everyButKill.remove("CAP_KILL");
        assertEquals(everyButKill, capabilities(security(false, List.of("ALL"), List.of("KILL"), null, null)));
        Set<String> expected = new LinkedHashSet<>(OciSpecBuilder.DEFAULT_CAPABILITIES);
        expected.remove("CAP_CHOWN");
        expected.add("CAP_SYS_ADMIN");
        assertEquals(List.copyOf(expected), capabilities(security(false, List.of("Sys_Admin"), List.of("cap_chown"), null, null)));
    }

    @Test
    void privilegedHasEveryCapabilityAndDeviceNoMaskedPathsAWritableSysAndNoProfile() throws Exception {
        JsonNode s = spec(security(true, null, null, null, null));
        assertEquals(HOST_CAPABILITIES, capabilities(security(true, null, null, null, null)));
        assertFalse(s.at("/linux").has("maskedPaths"));
        assertFalse(s.at("/linux").has("readonlyPaths"));
        assertFalse(s.at("/linux").has("seccomp"));
        assertTrue(sysOptions(s).contains("rw"), sysOptions(s));
        JsonNode rules = s.at("/linux/resources/devices");
        assertEquals(JSON.readTree("{\"allow\":true,\"access\":\"rwm\"}"), rules.get(rules.size() - 1));
        List<String> paths = new ArrayList<>();
        s.at("/linux/devices").forEach(d -> paths.add(d.get("path").asText()));
        assertTrue(paths.contains("/dev/null"), paths.toString());
        assertFalse(paths.stream().anyMatch(p -> p.startsWith("/dev/pts/")), paths.toString());
    }

    @Test
    void privilegedKeepsWhatTheOtherFieldsSay() throws Exception {
        Path profile = Files.writeString(dir.resolve("profile.json"), "{\"defaultAction\":\"SCMP_ACT_LOG\"}");
        ContainerSecurity s = new ContainerSecurity(true, new ContainerSecurity.Capabilities(null, List.of("NET_RAW")),
                true, List.of("seccomp=" + profile, "no-new-privileges=false"), null, false, false);
        JsonNode spec = spec(s);
        assertFalse(capabilities(s).contains("CAP_NET_RAW"));
        assertEquals(HOST_CAPABILITIES.size() - 1, capabilities(s).size());
        assertTrue(spec.at("/root/readonly").asBoolean());
        assertFalse(spec.at("/process/noNewPrivileges").asBoolean());
        assertEquals("SCMP_ACT_LOG", spec.at("/linux/seccomp/defaultAction").asText());
    }

    @Test
    void readOnlyRootNoNewPrivilegesAndHostNamespaces() throws Exception {
        JsonNode s = spec(new ContainerSecurity(false, null, true, List.of("no-new-privileges=false"), null, true, true));
        assertTrue(s.at("/root/readonly").asBoolean());
        assertFalse(s.at("/process/noNewPrivileges").asBoolean());
        assertEquals(List.of("ipc", "uts", "mount", "network"), namespaces(s));
        assertTrue(spec(security(false, null, null, List.of("no-new-privileges"), null)).at("/process/noNewPrivileges")
                .asBoolean());
    }

    @Test
    void seccompUnconfinedHasNoProfileAndAFileIsUsedAsItIs() throws Exception {
        assertFalse(spec(security(false, null, null, List.of("seccomp=unconfined"), null)).at("/linux").has("seccomp"));
        Path profile = Files.writeString(dir.resolve("p.json"), "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[]}");
        assertEquals(JSON.readTree(Files.readString(profile)),
                spec(security(false, null, null, List.of("seccomp=" + profile), null)).at("/linux/seccomp"));
    }

    @Test
    void aDeviceIsCreatedWithTheHostsNumbersAndAllowed() throws Exception {
        JsonNode s = spec(security(false, null, null, null, List.of("/dev/null")));
        JsonNode node = s.at("/linux/devices/0");
        assertEquals("/dev/null", node.get("path").asText());
        assertEquals("c", node.get("type").asText());
        assertEquals(1, node.get("major").asLong());
        assertEquals(3, node.get("minor").asLong());
        assertEquals(JSON.readTree("{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}"),
                s.at("/linux/resources/devices/1"));
    }

    @Test
    void allCapabilitiesAreThoseOfKukeondsBoundingSet() throws Exception {
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nCapBnd:\t000001fffeffffff\n");
        List<String> held = OciSecurity.hostCapabilities(status);
        assertEquals(ContainerSecurity.CAPABILITY_NAMES.size() - 1, held.size());
        assertFalse(held.contains("CAP_SYS_RESOURCE"), "bit 24 is not held");
        assertEquals(ContainerSecurity.CAPABILITY_NAMES, OciSecurity.hostCapabilities(dir.resolve("absent")));
    }

    @Test
    void anAddedCapabilityKukeondDoesNotHoldIsRefused() {
        List<String> held = List.of("CAP_CHOWN", "CAP_KILL");
        OciSecurity.checkHeld(List.of("CAP_KILL", "ALL"), held, "spec.capabilities.add");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> OciSecurity.checkHeld(List.of("CAP_KILL", "CAP_SYS_RESOURCE"), held, "spec.capabilities.add"));
        assertEquals("spec.capabilities.add[1]: CAP_SYS_RESOURCE is not in kukeond's own bounding set on this host,"
                + " so no container of it can have it", e.getMessage());
    }

    @Test
    void theHostCheckRefusesMissingDevicesNonDevicesAndBadProfilesByField() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain"), "not json");
        Path array = Files.writeString(dir.resolve("array.json"), "[]");
        Path big = dir.resolve("big.json");
        Files.write(big, new byte[(int) SeccompProfiles.MAX_PROFILE_BYTES + 1]);
        Map<ContainerSecurity, String> refused = Map.of(
                security(false, null, null, null, List.of("/dev/null", dir.resolve("gone").toString())),
                "spec.devices[1]: \"" + dir.resolve("gone") + "\" does not exist on the host",
                security(false, null, null, null, List.of(plain.toString())),
                "spec.devices[0]: \"" + plain + "\" is not a device node (a character or block device) on the host",
                security(false, null, null, List.of("no-new-privileges", "seccomp=" + plain), null),
                "spec.securityOpts[1]: seccomp profile \"" + plain + "\" is not JSON",
                security(false, null, null, List.of("seccomp=" + array), null),
                "spec.securityOpts[0]: seccomp profile \"" + array + "\" must be a JSON object with a defaultAction",
                security(false, null, null, List.of("seccomp=" + big), null),
                "spec.securityOpts[0]: seccomp profile \"" + big + "\" is larger than 1048576 bytes",
                security(false, null, null, List.of("seccomp=" + dir), null),
                "spec.securityOpts[0]: seccomp profile \"" + dir + "\" is not a regular file",
                security(false, null, null, List.of("seccomp=" + dir.resolve("none.json")), null),
                "spec.securityOpts[0]: seccomp profile \"" + dir.resolve("none.json") + "\" does not exist on the host");
        for (Map.Entry<ContainerSecurity, String> r : refused.entrySet()) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                    () -> OciSecurity.checkOnHost(r.getKey(), "spec"));
            assertTrue(e.getMessage().startsWith(r.getValue()), e.getMessage() + "\nexpected: " + r.getValue());
        }
        OciSecurity.checkOnHost(security(false, null, null, List.of("seccomp=unconfined"), List.of("/dev/null")), "spec");
    }
}
