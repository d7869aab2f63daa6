package io.kukeon.cgroup;

import io.kukeon.model.CgroupPath;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.Resources;
import io.kukeon.testing.RealComponents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.kukeon.cgroup.RealHierarchies.CGROUP_DIR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The v1 driver on this host's real hierarchies (hybrid: v1 controllers plus a controller-less
 * cgroup2), under a root of the test's own that is removed after each test.
 */
@Tag("cgroup")
class CgroupV1RealTest {
    String root;
    CgroupManager driver;
    CgroupPath top;
    CgroupPath realm;
    CgroupPath space;
    CgroupPath stack;
    CgroupPath cell;
    CgroupPath container;
    final List<Process> spawned = new ArrayList<>();

    @BeforeEach
    void openDriver() {
        RealComponents.needCgroups();
        CgroupLayout layout = CgroupDrivers.layout(CgroupSettings.defaults());
        RealComponents.need("cgroup v1 hierarchies", layout.mode() != CgroupLayout.Mode.V2,
                "this host is pure cgroup v2; the v1 driver has nothing to drive");
        root = RealHierarchies.newRoot();
        driver = CgroupDrivers.open(new CgroupSettings(root, null));
        top = CgroupPath.parse("/" + root);
        realm = top.child("realm");
        space = realm.child("space");
        stack = space.child("stack");
        cell = stack.child("cell");
        container = cell.child("space_stack_cell_app");
    }

    @AfterEach
    void removeRoot() throws Exception {
        if (driver == null) {
            return;
        }
        try {
            driver.delete(top);
        } finally {
            for (Process p : spawned) {
                p.destroyForcibly();
            }
        }
        RealHierarchies.assertNothingLeft(root);
    }

    Path v1(String hierarchy, CgroupPath group, String file) {
        return CGROUP_DIR.resolve(hierarchy).resolve(group.relative()).resolve(file);
    }

    String read(String hierarchy, CgroupPath group, String file) throws Exception {
        return Files.readString(v1(hierarchy, group, file)).trim();
    }

    Process spawn(String script) throws Exception {
        Process p = new ProcessBuilder(RealHierarchies.busybox(), "sh", "-c", script).start();
        spawned.add(p);
        return p;
    }

    @Test
    void detectsThisHostAsV1() {
        CgroupDriverInfo info = driver.info();

        assertTrue(info.driver().equals("v1-hybrid") || info.driver().equals("v1"), info.driver());
        assertTrue(info.controllers().containsAll(List.of("cpu", "cpuset", "memory", "pids")), info.controllers().toString());
        assertEquals("/" + root, info.root());
    }

    @Test
    void everyLevelCarriesItsLimitsInTheRealFiles() throws Exception {
        driver.ensure(realm, new Resources(null, null, null, null,
                new Resources.Memory(null, null, null, 512L << 20, null), null, null));
        driver.ensure(space, new Resources(null, null, 100L, null, null, null, null));
        driver.ensure(stack, new Resources(null, null, null, new Resources.Cpu(null, 50_000L, null, null, null), null, null, null));
        GroupStatus cellStatus = driver.ensure(cell, new Resources(32L << 20, null, null,
                new Resources.Cpu(null, null, null, "0", null), new Resources.Memory(4L << 20, null, null, null, null), null, null));
        GroupStatus containerStatus = driver.ensure(container, new Resources(null, 512L, null, null, null, null, null));

        assertEquals("536870912", read("memory", realm, "memory.limit_in_bytes"));
        assertEquals("100", read("pids", space, "pids.max"));
        assertEquals("50000", read("cpu", stack, "cpu.cfs_quota_us"));
        assertEquals("100000", read("cpu", stack, "cpu.cfs_period_us"));
        assertEquals("33554432", read("memory", cell, "memory.limit_in_bytes"));
        assertEquals("512", read("cpu", container, "cpu.shares"));
        String hostCpus = Files.readString(CGROUP_DIR.resolve("cpuset/cpuset.cpus")).trim();
        String hostMems = Files.readString(CGROUP_DIR.resolve("cpuset/cpuset.mems")).trim();
        for (CgroupPath g : List.of(top, realm, space, stack)) {
            assertEquals(hostCpus, read("cpuset", g, "cpuset.cpus"), g + " copied from its parent");
            assertEquals(hostMems, read("cpuset", g, "cpuset.mems"), g.toString());
        }
        assertEquals("0", read("cpuset", cell, "cpuset.cpus"));
        assertEquals("0", read("cpuset", container, "cpuset.cpus"), "the cell's, copied");
        assertEquals(hostMems, read("cpuset", container, "cpuset.mems"));
        assertEquals(List.of(new GroupStatus.NotApplied("memory.min",
                "cgroup v1 has no guaranteed memory (memory.min exists only in cgroup v2)")), cellStatus.notApplied());
        assertEquals(List.of(), containerStatus.notApplied());
        assertTrue(containerStatus.controllers().contains("memory"));
        for (Path h : hierarchiesOfThisHost()) {
            assertTrue(Files.isDirectory(h.resolve(container.relative())), "missing in " + h);
        }
    }

    @Test
    void reapplyingRewritesChangedLimitsAndResetsRemovedOnes() throws Exception {
        driver.ensure(cell, new Resources(64L << 20, null, 20L, new Resources.Cpu(null, 20_000L, null, null, null), null, null, null));
        driver.ensure(cell, new Resources(128L << 20, null, null, null, null, null, null));

        assertEquals("134217728", read("memory", cell, "memory.limit_in_bytes"));
        assertEquals("max", read("pids", cell, "pids.max"));
        assertEquals("-1", read("cpu", cell, "cpu.cfs_quota_us"));

        driver.ensure(cell, Resources.NONE);
        assertEquals(read("memory", top, "memory.limit_in_bytes"), read("memory", cell, "memory.limit_in_bytes"), "unlimited");
    }

    @Test
    void aProcessJoinsTheContainerGroupInEveryHierarchyAndDeleteEndsIt() throws Exception {
        driver.ensure(container, Resources.NONE);
        Process sleeper = spawn("exec sleep 300");
        List<Path> hierarchies = hierarchiesOfThisHost();
        for (Path h : hierarchies) {
            // what runc does; an empty v1 cpuset would refuse it with ENOSPC
            Files.writeString(h.resolve(container.relative()).resolve("cgroup.procs"), sleeper.pid() + "\n");
        }
        List<String> lines = RealHierarchies.cgroupsOf(sleeper.pid());
        assertEquals(hierarchies.size(), lines.stream().filter(l -> l.endsWith(":" + container)).count(), lines.toString());

        driver.delete(realm);

        assertTrue(sleeper.waitFor(5, TimeUnit.SECONDS));
        assertEquals(137, sleeper.exitValue());
        for (Path h : hierarchies) {
            assertFalse(Files.exists(h.resolve(realm.relative())), "left in " + h);
        }
        assertTrue(driver.exists(top), "the root stays");
    }

    @Test
    void aCellLimitOf32MiBOomKillsWhatAllocates64MiB() throws Exception {
        driver.ensure(cell, new Resources(32L << 20, null, null, null, null, null, null));

        Process dd = spawn(joinMemory(cell) + "exec " + RealHierarchies.busybox() + " dd if=/dev/zero of=/dev/null bs=64M count=1");

        assertTrue(dd.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, dd.exitValue(), "SIGKILL by the OOM killer; stderr: " + new String(dd.getErrorStream().readAllBytes()));
        assertTrue(driver.usage(cell).oomKills() >= 1, driver.usage(cell).toString());
        assertTrue(driver.usage(stack).oomKills() >= 1, "a group counts the OOM kills of its subtree, as on v2");
    }

    @Test
    void theSameAllocationUnder128MiBExitsZero() throws Exception {
        driver.ensure(cell, new Resources(128L << 20, null, null, null, null, null, null));

        Process dd = spawn(joinMemory(cell) + "exec " + RealHierarchies.busybox() + " dd if=/dev/zero of=/dev/null bs=64M count=1");

        assertTrue(dd.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, dd.exitValue(), new String(dd.getErrorStream().readAllBytes()));
        GroupStatus.Usage usage = driver.usage(cell);
        assertEquals(0L, usage.oomKills());
        assertTrue(usage.cpuMicros() != null && usage.memoryBytes() != null, usage.toString());
    }

    @Test
    void aPidsLimitBlocksForksPastIt() throws Exception {
        driver.ensure(cell, new Resources(null, null, 5L, null, null, null, null));
        Path procs = v1("pids", cell, "cgroup.procs");

        // the shell is one of the five; a refused fork ends it ("can't fork"), its four sleeps stay
        Process shell = spawn("echo $$ > " + procs + "; i=0; while [ $i -lt 10 ]; do"
                + " sleep 300 </dev/null >/dev/null 2>&1 & i=$((i+1)); echo forked $i; done");

        assertTrue(shell.waitFor(10, TimeUnit.SECONDS));
        List<String> out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        String err = new String(shell.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(List.of("forked 1", "forked 2", "forked 3", "forked 4"), out, err);
        assertTrue(err.contains("can't fork"), err);
        assertEquals(4L, driver.usage(cell).pids());
        assertTrue(read("pids", cell, "pids.events").matches("max [1-9][0-9]*"), read("pids", cell, "pids.events"));
        List<ProcessHandle> sleeps = Files.readAllLines(procs).stream()
                .map(pid -> ProcessHandle.of(Long.parseLong(pid.trim())).orElseThrow()).toList();

        driver.delete(cell);

        for (ProcessHandle sleep : sleeps) {
            assertTrue(RealHierarchies.isDead(sleep.pid()), "killed by delete: " + sleep.pid());
        }
        assertFalse(Files.exists(v1("pids", cell, "")));
    }

    @Test
    void deleteOfTheRootLeavesNothingInAnyHierarchy() throws Exception {
        driver.ensure(container, new Resources(64L << 20, 256L, 50L, null, null, null, null));
        assertFalse(RealHierarchies.leftovers(root).isEmpty());

        driver.delete(top);

        RealHierarchies.assertNothingLeft(root);
        assertFalse(driver.exists(top));
        driver.delete(top); // already gone: fine
    }

    private String joinMemory(CgroupPath group) {
        return "echo $$ > " + v1("memory", group, "cgroup.procs") + " && ";
    }

    /** The hierarchies this host mounts under /sys/fs/cgroup, the v1 ones and the cgroup2 one. */
    private static List<Path> hierarchiesOfThisHost() throws Exception {
        List<Path> out = new ArrayList<>();
        for (MountInfo.Mount m : MountInfo.read()) {
            boolean ours = m.isV2() || CgroupV1Driver.CREATED_IN.stream().anyMatch(m.options()::contains);
            if (ours && m.mountpoint().startsWith(CGROUP_DIR) && out.stream().noneMatch(m.mountpoint()::equals)) {
                out.add(m.mountpoint());
            }
        }
        return out;
    }
}
