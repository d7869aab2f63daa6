package io.kukeon.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed default profile against the list it is generated from
 * ({@code scripts/seccomp/denied-syscalls.txt}; the generator is beside it).
 */
class DefaultSeccompProfileTest {
    /** CLONE_NEWTIME, NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID and NEWNET. */
    private static final long NAMESPACE_FLAGS = 0x80L | 0x20000L | 0x2000000L | 0x4000000L | 0x8000000L | 0x10000000L
            | 0x20000000L | 0x40000000L;
    private final JsonNode profile = SeccompProfiles.defaultProfile();

    private Set<String> named(String action) {
        Set<String> out = new HashSet<>();
        for (JsonNode rule : profile.get("syscalls")) {
            if (rule.get("action").asText().equals(action) && !rule.has("args")) {
                rule.get("names").forEach(n -> out.add(n.asText()));
            }
        }
        return out;
    }

    @Test
    void everythingIsRefusedWithEpermUnlessAllowedOnX86And64BitArm() {
        assertEquals("SCMP_ACT_ERRNO", profile.get("defaultAction").asText());
        assertEquals(1, profile.get("defaultErrnoRet").asInt());
        List<String> arches = List.of(profile.get("architectures").get(0).asText(), profile.get("architectures").get(1).asText());
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"), arches);
    }

    @Test
    void noDeniedSyscallIsAllowedAndWhatAWorkloadNeedsIs() throws Exception {
        Set<String> denied = new HashSet<>();
        for (String line : Files.readAllLines(Path.of("scripts/seccomp/denied-syscalls.txt"))) {
            String name = line.replaceAll("#.*", "").trim();
            if (!name.isEmpty()) {
                denied.add(name);
            }
        }
        assertTrue(denied.containsAll(List.of("kexec_load", "mount", "umount2", "ptrace", "keyctl", "add_key", "bpf",
                "init_module", "finit_module", "delete_module", "reboot", "swapon", "pivot_root", "open_by_handle_at",
                "perf_event_open", "userfaultfd", "setns", "acct", "settimeofday", "clock_settime", "quotactl")), denied.toString());
        Set<String> allowed = named("SCMP_ACT_ALLOW");
        for (String d : denied) {
            assertFalse(allowed.contains(d), d + " is denied and allowed");
        }
        assertTrue(allowed.containsAll(List.of("read", "write", "openat", "close", "execve", "exit_group", "mmap", "brk",
                "futex", "epoll_wait", "socket", "connect", "accept4", "wait4", "newfstatat", "rt_sigaction")), allowed.toString());
        assertTrue(allowed.size() > 250, "allowed: " + allowed.size());
    }

    @Test
    void cloneAndUnshareAreAllowedOnlyWithoutANamespaceFlagAndClone3FallsBack() {
        boolean cloneRule = false;
        for (JsonNode rule : profile.get("syscalls")) {
            if (rule.has("args")) {
                assertEquals(Set.of("clone", "unshare"), Set.of(rule.get("names").get(0).asText(), rule.get("names").get(1).asText()));
                JsonNode arg = rule.get("args").get(0);
                assertEquals(0, arg.get("index").asInt());
                assertEquals(NAMESPACE_FLAGS, arg.get("value").asLong());
                assertEquals(0, arg.get("valueTwo").asLong());
                assertEquals("SCMP_CMP_MASKED_EQ", arg.get("op").asText());
                cloneRule = true;
            }
        }
        assertTrue(cloneRule);
        assertFalse(named("SCMP_ACT_ALLOW").contains("clone"));
        assertTrue(named("SCMP_ACT_ERRNO").contains("clone3"));
    }
}
