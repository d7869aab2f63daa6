package io.kukeon.cgroup;

import io.kukeon.model.CgroupPath;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.Resources;
import io.kukeon.testing.RealComponents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The v2 driver on this host's real cgroup2 hierarchy: {@code /sys/fs/cgroup/unified} on the hybrid
 * machines of this project (no controllers there), {@code /sys/fs/cgroup} on a pure v2 host.
 */
@Tag("cgroup")
class CgroupV2UnifiedRealTest {
    Path unified;
    String root;
    CgroupManager driver;
    CgroupPath top;
    Process sleeper;

    @BeforeEach
    void openDriver() {
        RealComponents.needCgroups();
        unified = CgroupDrivers.layout(CgroupSettings.defaults()).unified();
        RealComponents.need("cgroup2", unified != null, "no cgroup2 hierarchy is mounted");
        root = RealHierarchies.newRoot();
        driver = CgroupDrivers.open(new CgroupSettings(root, unified));
        top = CgroupPath.parse("/" + root);
    }

    @AfterEach
    void removeRoot() throws Exception {
        if (driver == null) {
            return;
        }
        try {
            driver.delete(top);
        } finally {
            if (sleeper != null) {
                sleeper.destroyForcibly();
            }
        }
        RealHierarchies.assertNothingLeft(root);
    }

    @Test
    void limitsLandWhereTheHierarchyOffersTheControllerAndAreReportedWhereItDoesNot() throws Exception {
        Set<String> offered = SubtreeDelegation.parse(Files.readString(unified.resolve("cgroup.controllers")));
        CgroupPath group = top.child("realm").child("cell");

        GroupStatus status = driver.ensure(group, new Resources(64L << 20, null, 10L, null, null, null, null));

        assertEquals("v2", driver.info().driver());
        assertTrue(Files.isDirectory(unified.resolve(group.relative())));
        List<String> notApplied = status.notApplied().stream().map(GroupStatus.NotApplied::field).toList();
        if (offered.contains("memory")) {
            assertEquals("67108864", Files.readString(unified.resolve(group.relative()).resolve("memory.max")).trim());
        } else {
            assertTrue(notApplied.contains("memory.max"), notApplied.toString());
        }
        if (offered.contains("pids")) {
            assertEquals("10", Files.readString(unified.resolve(group.relative()).resolve("pids.max")).trim());
        } else {
            assertTrue(notApplied.contains("pids.max"), notApplied.toString());
        }
        assertTrue(offered.containsAll(status.controllers()), status.controllers() + " beyond " + offered);
    }

    @Test
    void aProcessMovedInIsKilledByDeleteAndTheGroupsAreRemoved() throws Exception {
        CgroupPath group = top.child("realm").child("cell");
        driver.ensure(group, Resources.NONE);
        sleeper = new ProcessBuilder("sleep", "300").start();
        Path dir = unified.resolve(group.relative());

        Files.writeString(dir.resolve("cgroup.procs"), sleeper.pid() + "\n");

        assertTrue(RealHierarchies.cgroupsOf(sleeper.pid()).contains("0::" + group), RealHierarchies.cgroupsOf(sleeper.pid()).toString());
        assertEquals(List.of(Long.toString(sleeper.pid())), Files.readAllLines(dir.resolve("cgroup.procs")));
        assertTrue(Files.exists(dir.resolve("cgroup.kill")), "this kernel (5.14+) kills a subtree in one write");

        driver.delete(top.child("realm"));

        assertTrue(sleeper.waitFor(5, TimeUnit.SECONDS));
        assertEquals(137, sleeper.exitValue());
        assertFalse(Files.exists(unified.resolve(top.child("realm").relative())));
        assertTrue(driver.exists(top));
    }

    @Test
    void usageReadsWhatTheHierarchyOffers() throws Exception {
        CgroupPath group = top.child("realm");
        driver.ensure(group, Resources.NONE);
        sleeper = new ProcessBuilder(RealHierarchies.busybox(), "sh", "-c", "echo $$ > " + unified.resolve(group.relative())
                + "/cgroup.procs; i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; echo burnt; exec sleep 300").start();
        assertEquals("burnt", new java.io.BufferedReader(new java.io.InputStreamReader(sleeper.getInputStream())).readLine());

        GroupStatus.Usage usage = driver.usage(group);

        assertNotNull(usage.cpuMicros(), "cpu.stat is there without any controller");
        assertTrue(usage.cpuMicros() > 0, usage.toString());
        boolean memory = Files.exists(unified.resolve(group.relative()).resolve("memory.current"));
        assertEquals(memory, usage.memoryBytes() != null, usage.toString());
    }
}
