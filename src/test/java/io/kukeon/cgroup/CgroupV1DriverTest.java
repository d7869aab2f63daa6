package io.kukeon.cgroup;

import io.kukeon.model.CgroupPath;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.Resources;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The v1 driver against plain directories laid out as a hybrid host's /sys/fs/cgroup. */
class CgroupV1DriverTest {
    static final List<String> V1 = List.of("cpu", "cpuacct", "cpuset", "memory", "blkio", "pids", "devices", "freezer",
            "systemd", "net_cls");
    static final CgroupPath CELL = CgroupPath.parse("/kukeon/realm/space/stack/cell");

    @TempDir
    Path cgroupDir;
    CgroupManager driver;

    @BeforeEach
    void fakeHybridHost() throws IOException {
        for (String h : V1) {
            Files.writeString(Files.createDirectory(cgroupDir.resolve(h)).resolve("cgroup.procs"), "");
        }
        Files.writeString(cgroupDir.resolve("cpuset/cpuset.cpus"), "0-3\n");
        Files.writeString(cgroupDir.resolve("cpuset/cpuset.mems"), "0\n");
        FakeCgroup2Tree.create(Files.createDirectory(cgroupDir.resolve("unified")), "");
        driver = CgroupDrivers.open(new CgroupSettings("kukeon", cgroupDir), List.of());
    }

    @Test
    void theGroupIsCreatedInEveryHierarchyWeUseAndTheUnifiedOne() {
        GroupStatus status = driver.ensure(CELL, Resources.NONE);

        for (String h : List.of("cpu", "cpuacct", "cpuset", "memory", "blkio", "pids", "devices", "freezer", "systemd", "unified")) {
            assertTrue(Files.isDirectory(cgroupDir.resolve(h).resolve(CELL.relative())), h);
        }
        assertFalse(Files.exists(cgroupDir.resolve("net_cls/kukeon")), "not a hierarchy we use");
        assertEquals(List.of("blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "pids"), status.controllers());
        assertEquals("v1-hybrid", driver.info().driver());
        assertEquals(cgroupDir.toString(), driver.info().mountpoint());
        assertTrue(driver.exists(CELL));
    }

    @Test
    void everyNewCpusetLevelGetsItsParentsCpusAndMems() throws IOException {
        driver.ensure(CELL.child("c1"), new Resources(null, null, null, new Resources.Cpu(null, null, null, "2", null),
                null, null, null));

        for (String g : List.of("kukeon", "kukeon/realm", "kukeon/realm/space", "kukeon/realm/space/stack",
                "kukeon/realm/space/stack/cell")) {
            assertEquals("0-3\n", Files.readString(cgroupDir.resolve("cpuset/" + g + "/cpuset.cpus")), g);
            assertEquals("0\n", Files.readString(cgroupDir.resolve("cpuset/" + g + "/cpuset.mems")), g);
        }
        assertEquals("2\n", Files.readString(cgroupDir.resolve("cpuset/kukeon/realm/space/stack/cell/c1/cpuset.cpus")));
    }

    /** An existing group whose cpus were emptied (a CPU taken offline) gets its parent's again at the next ensure. */
    @Test
    void anExistingGroupWithAnEmptiedCpusetIsFilledAgain() throws IOException {
        driver.ensure(CELL, Resources.NONE);
        Path cpus = cgroupDir.resolve("cpuset").resolve(CELL.relative()).resolve("cpuset.cpus");
        Files.writeString(cpus, "\n");

        driver.ensure(CELL, Resources.NONE);

        assertEquals("0-3\n", Files.readString(cpus));
    }

    @Test
    void aRootInAServiceSubtreeIsMadeWhereTheServiceManagerMadeNoGroup() throws IOException {
        // systemd made the service's group in the hierarchies it uses, not in cpuset or freezer
        for (String h : List.of("cpu", "cpuacct", "memory", "blkio", "pids", "devices", "systemd", "unified")) {
            Files.createDirectories(cgroupDir.resolve(h).resolve("system.slice/kukeond.service"));
        }
        Files.writeString(cgroupDir.resolve("memory/system.slice/kukeond.service/memory.limit_in_bytes"), "1024\n");
        CgroupManager inService = CgroupDrivers.open(new CgroupSettings("/system.slice/kukeond.service/kukeon", cgroupDir),
                List.of());
        CgroupPath cell = CgroupPath.parse("/system.slice/kukeond.service/kukeon/realm/space/stack/cell");

        inService.ensure(cell, Resources.NONE);

        for (String h : List.of("cpu", "cpuset", "memory", "freezer", "systemd", "unified")) {
            assertTrue(Files.isDirectory(cgroupDir.resolve(h).resolve(cell.relative())), h);
        }
        for (String g : List.of("system.slice", "system.slice/kukeond.service", "system.slice/kukeond.service/kukeon",
                cell.relative())) {
            assertEquals("0-3\n", Files.readString(cgroupDir.resolve("cpuset/" + g + "/cpuset.cpus")), g);
        }
        assertEquals("1024\n", Files.readString(cgroupDir.resolve("memory/system.slice/kukeond.service/memory.limit_in_bytes")),
                "the service's own files are systemd's");
        assertEquals("/system.slice/kukeond.service/kukeon", inService.info().root());
        assertThrows(CgroupEscapeException.class, () -> inService.ensure(CgroupPath.parse("/system.slice/other"), Resources.NONE));

        inService.delete(CgroupPath.parse("/system.slice/kukeond.service/kukeon/realm"));

        assertFalse(Files.exists(cgroupDir.resolve("memory/system.slice/kukeond.service/kukeon/realm")));
        assertTrue(Files.isDirectory(cgroupDir.resolve("cpuset/system.slice/kukeond.service")), "never removed above the root");
    }

    @Test
    void limitsGoToTheirHierarchiesAndWhatTheHostLacksIsReported() throws IOException {
        GroupStatus status = driver.ensure(CELL, new Resources(null, null, null,
                new Resources.Cpu(null, 25_000L, 50_000L, null, null),
                new Resources.Memory(null, 8L << 20, 16L << 20, 32L << 20, 8L << 20),
                new Resources.Io(200L, List.of(new Resources.IoLimit("8:0", 1L << 20, null, null, null))),
                new Resources.Pids(12L)));

        Path memory = cgroupDir.resolve("memory").resolve(CELL.relative());
        assertEquals("33554432\n", Files.readString(memory.resolve("memory.limit_in_bytes")));
        assertEquals("8388608\n", Files.readString(memory.resolve("memory.soft_limit_in_bytes")));
        assertEquals("25000\n", Files.readString(cgroupDir.resolve("cpu").resolve(CELL.relative()).resolve("cpu.cfs_quota_us")));
        assertEquals("50000\n", Files.readString(cgroupDir.resolve("cpu").resolve(CELL.relative()).resolve("cpu.cfs_period_us")));
        assertEquals("12\n", Files.readString(cgroupDir.resolve("pids").resolve(CELL.relative()).resolve("pids.max")));
        // a stand-in has none of the optional files: no swap accounting, no weight, no throttling
        assertEquals(List.of("memory.high", "memory.swapMax", "io.weight", "io.max"),
                status.notApplied().stream().map(GroupStatus.NotApplied::field).toList());
    }

    @Test
    void deleteRemovesTheLevelFromEveryMountedHierarchyEvenOnesWeDoNotUse() throws IOException {
        driver.ensure(CELL, Resources.NONE);
        // runc creates the path in every mounted hierarchy and removes only its leaf
        Files.createDirectories(cgroupDir.resolve("net_cls").resolve(CELL.relative()).resolve("app"));

        driver.delete(CgroupPath.parse("/kukeon/realm"));

        for (String h : V1) {
            assertFalse(Files.exists(cgroupDir.resolve(h).resolve("kukeon/realm")), h);
        }
        assertFalse(Files.exists(cgroupDir.resolve("unified/kukeon/realm")));
        assertTrue(Files.isDirectory(cgroupDir.resolve("memory/kukeon")));
    }

    @Test
    void deleteFreezesKillsByPidAndThaws() throws Exception {
        driver.ensure(CELL, Resources.NONE);
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        try {
            Files.writeString(cgroupDir.resolve("pids").resolve(CELL.relative()).resolve("cgroup.procs"), sleeper.pid() + "\n");
            Path state = cgroupDir.resolve("freezer").resolve(CELL.relative()).resolve("freezer.state");
            Files.writeString(state, "THAWED\n");

            driver.delete(CELL);

            assertEquals(137, sleeper.waitFor());
            assertFalse(Files.exists(state.getParent()));
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void usageSumsOomKillsOverTheSubtree() throws IOException {
        driver.ensure(CELL.child("a"), Resources.NONE);
        driver.ensure(CELL.child("b"), Resources.NONE);
        Path memory = cgroupDir.resolve("memory").resolve(CELL.relative());
        Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
        Files.writeString(memory.resolve("a/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        Files.writeString(memory.resolve("b/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        Files.writeString(memory.resolve("memory.usage_in_bytes"), "1048576\n");
        Files.writeString(cgroupDir.resolve("cpuacct").resolve(CELL.relative()).resolve("cpuacct.usage"), "5000000\n");
        Files.writeString(cgroupDir.resolve("pids").resolve(CELL.relative()).resolve("pids.current"), "3\n");

        assertEquals(new GroupStatus.Usage(1_048_576L, 5_000L, 3L, 3L), driver.usage(CELL));
    }

    @Test
    void usageReadsTheMemoryLimitAndBlockIo() throws IOException {
        driver.ensure(CELL, Resources.NONE);
        Path memory = cgroupDir.resolve("memory").resolve(CELL.relative());
        Path blkio = cgroupDir.resolve("blkio").resolve(CELL.relative());
        Files.writeString(memory.resolve("memory.limit_in_bytes"), "67108864\n");
        Files.createDirectories(blkio);
        Files.writeString(blkio.resolve("blkio.throttle.io_service_bytes_recursive"),
                "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Total 12288\n8:16 Read 1000\n8:16 Write 0\nTotal 13288\n");

        GroupStatus.Usage usage = driver.usage(CELL);
        assertEquals(67_108_864L, usage.memoryLimitBytes());
        assertEquals(5096L, usage.blockReadBytes());
        assertEquals(8192L, usage.blockWriteBytes());

        // no limit reads as the largest page-aligned long
        Files.writeString(memory.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
        assertEquals(null, driver.usage(CELL).memoryLimitBytes());
    }
}
