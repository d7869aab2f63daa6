package io.kukeon.cgroup;

import io.kukeon.model.CgroupPath;
import io.kukeon.model.GroupStatus;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Resources;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.kukeon.cgroup.FakeCgroup2Tree.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The v2 driver against a plain directory standing in for a cgroup2 mount. */
class CgroupV2DriverTest {
    static final CgroupPath CELL = CgroupPath.parse("/kukeon/realm/space/stack/cell");
    static final String FOUR = "+cpu +io +memory +pids\n";

    @TempDir
    Path mount;
    CgroupManager driver;

    @BeforeEach
    void fakeRoot() throws IOException {
        FakeCgroup2Tree.create(mount, FakeCgroup2Tree.ALL);
        driver = CgroupDrivers.open(new CgroupSettings("kukeon", mount), List.of());
    }

    static Resources full() {
        return new Resources(null, null, null,
                new Resources.Cpu(250L, 50_000L, null, "0-1", "0"),
                new Resources.Memory(1L << 20, 2L << 20, 48L << 20, 64L << 20, null),
                null, new Resources.Pids(20L));
    }

    @Test
    void detectsTheStandInAsV2AndReportsItsRoot() {
        CgroupDriverInfo info = driver.info();
        assertEquals("v2", info.driver());
        assertEquals("/kukeon", info.root());
        assertEquals(List.of("cpu", "cpuset", "hugetlb", "io", "memory", "misc", "pids", "rdma"), info.controllers());
    }

    @Test
    void createsTheGroupWithItsAncestorsAndDelegatesDownToItsParent() throws IOException {
        GroupStatus status = driver.ensure(CELL, Resources.NONE);

        assertTrue(Files.isDirectory(mount.resolve("kukeon/realm/space/stack/cell")));
        for (String parent : List.of("", "kukeon/", "kukeon/realm/", "kukeon/realm/space/", "kukeon/realm/space/stack/")) {
            assertEquals(FOUR, read(mount, parent + "cgroup.subtree_control"), parent);
        }
        assertFalse(Files.exists(mount.resolve("kukeon/realm/space/stack/cell/cgroup.subtree_control")),
                "the group's own subtree stays free for processes");
        assertEquals(List.of("cpu", "io", "memory", "pids"), status.controllers());
        assertEquals("/kukeon/realm/space/stack/cell", status.path());
        assertTrue(status.ready());
        assertEquals(List.of(), status.notApplied());
        assertFalse(Files.exists(mount.resolve("kukeon/realm/space/stack/cell/memory.max")),
                "no limit asked, nothing written");
        assertTrue(driver.exists(CELL));
    }

    @Test
    void aNestedRuntimesGroupIsOfferedEveryControllerTheHostHas() throws IOException {
        driver.ensure(CgroupPath.parse("/kukeon/realm/space/stack/plain"), Resources.NONE);
        GroupStatus status = driver.ensure(CELL, Resources.NONE, CgroupManager.Delegation.ALL);

        String every = "+cpu +cpuset +hugetlb +io +memory +misc +pids +rdma\n";
        for (String parent : List.of("", "kukeon/", "kukeon/realm/", "kukeon/realm/space/", "kukeon/realm/space/stack/")) {
            assertEquals(every, read(mount, parent + "cgroup.subtree_control"), parent);
        }
        assertEquals(List.of("cpu", "cpuset", "hugetlb", "io", "memory", "misc", "pids", "rdma"), status.controllers());
        assertFalse(Files.exists(mount.resolve("kukeon/realm/space/stack/cell/cgroup.subtree_control")),
                "the runtime enables them below as it makes each container's group");
    }

    @Test
    void writesEveryLimitToItsFile() throws IOException {
        GroupStatus status = driver.ensure(CELL, full());

        Path cell = mount.resolve("kukeon/realm/space/stack/cell");
        assertEquals("250\n", Files.readString(cell.resolve("cpu.weight")));
        assertEquals("50000 100000\n", Files.readString(cell.resolve("cpu.max")));
        assertEquals("0-1\n", Files.readString(cell.resolve("cpuset.cpus")));
        assertEquals("0\n", Files.readString(cell.resolve("cpuset.mems")));
        assertEquals("1048576\n", Files.readString(cell.resolve("memory.min")));
        assertEquals("2097152\n", Files.readString(cell.resolve("memory.low")));
        assertEquals("50331648\n", Files.readString(cell.resolve("memory.high")));
        assertEquals("67108864\n", Files.readString(cell.resolve("memory.max")));
        assertEquals("20\n", Files.readString(cell.resolve("pids.max")));
        // cpus asked for: cpuset joins the delegation on every ancestor
        assertEquals("+cpu +cpuset +io +memory +pids\n", read(mount, "cgroup.subtree_control"));
        assertEquals("+cpu +cpuset +io +memory +pids\n", read(mount, "kukeon/realm/space/stack/cgroup.subtree_control"));
        assertEquals(List.of("cpu", "cpuset", "io", "memory", "pids"), status.controllers());
        assertEquals(List.of(), status.notApplied());
    }

    @Test
    void referenceAliasesAreWrittenAsTheirV2Files() throws IOException {
        driver.ensure(CELL, new Resources(32L << 20, 1024L, 7L, null, null, null, null));

        Path cell = mount.resolve("kukeon/realm/space/stack/cell");
        assertEquals("33554432\n", Files.readString(cell.resolve("memory.max")));
        assertEquals(Resources.sharesToWeight(1024) + "\n", Files.readString(cell.resolve("cpu.weight")));
        assertEquals("7\n", Files.readString(cell.resolve("pids.max")));
    }

    @Test
    void reapplyRewritesChangedLimitsAndResetsRemovedOnes() throws IOException {
        driver.ensure(CELL, full());
        driver.ensure(CELL, new Resources(null, null, null,
                new Resources.Cpu(null, 20_000L, 50_000L, null, null),
                new Resources.Memory(null, null, null, 128L << 20, null), null, null));

        Path cell = mount.resolve("kukeon/realm/space/stack/cell");
        assertEquals("100\n", Files.readString(cell.resolve("cpu.weight")));
        assertEquals("20000 50000\n", Files.readString(cell.resolve("cpu.max")));
        assertEquals("\n", Files.readString(cell.resolve("cpuset.cpus")), "empty: all of the parent's");
        assertEquals("\n", Files.readString(cell.resolve("cpuset.mems")));
        assertEquals("0\n", Files.readString(cell.resolve("memory.min")));
        assertEquals("0\n", Files.readString(cell.resolve("memory.low")));
        assertEquals("max\n", Files.readString(cell.resolve("memory.high")));
        assertEquals("134217728\n", Files.readString(cell.resolve("memory.max")));
        assertEquals("max\n", Files.readString(cell.resolve("pids.max")));

        driver.ensure(CELL, Resources.NONE);
        assertEquals("max 100000\n", Files.readString(cell.resolve("cpu.max")));
        assertEquals("max\n", Files.readString(cell.resolve("memory.max")));
    }

    @Test
    void optionalFilesAreWrittenWhereTheKernelOffersThem() throws IOException {
        Path cell = FakeCgroup2Tree.group(mount, "kukeon/realm/space/stack/cell",
                "memory.swap.max", "max\n", "io.bfq.weight", "default 100\n", "io.max", "");
        Resources io = new Resources(null, null, null, null,
                new Resources.Memory(null, null, null, 64L << 20, 16L << 20),
                new Resources.Io(300L, List.of(new Resources.IoLimit("8:0", 1_048_576L, null, null, 500L))), null);

        GroupStatus status = driver.ensure(CELL, io);

        assertEquals(List.of(), status.notApplied());
        assertEquals("16777216\n", Files.readString(cell.resolve("memory.swap.max")));
        assertEquals("default 300\n", Files.readString(cell.resolve("io.bfq.weight")));
        assertEquals("8:0 rbps=1048576 wbps=max riops=max wiops=500\n", Files.readString(cell.resolve("io.max")));

        driver.ensure(CELL, Resources.NONE);
        assertEquals("max\n", Files.readString(cell.resolve("memory.swap.max")));
        assertEquals("default 100\n", Files.readString(cell.resolve("io.bfq.weight")));
        assertEquals("8:0 rbps=max wbps=max riops=max wiops=max\n", Files.readString(cell.resolve("io.max")),
                "a device no longer limited is reset, which removes its line");
    }

    @Test
    void whatTheHostCannotCarryIsReportedNotApplied() throws IOException {
        Files.writeString(mount.resolve("cgroup.controllers"), "cpu pids\n");
        Resources asked = new Resources(null, null, null, new Resources.Cpu(200L, null, null, "0", null),
                new Resources.Memory(null, null, null, 64L << 20, 8L << 20),
                new Resources.Io(500L, List.of(new Resources.IoLimit("8:0", 1L << 20, null, null, null))),
                new Resources.Pids(10L));

        GroupStatus status = driver.ensure(CELL, asked);

        assertEquals(List.of("cpu", "pids"), status.controllers());
        assertEquals(List.of("cpu.cpus", "memory.max", "memory.swapMax", "io.weight", "io.max"),
                status.notApplied().stream().map(GroupStatus.NotApplied::field).toList());
        assertTrue(status.notApplied().get(1).reason().contains("offers no memory controller (it offers: cpu pids)"),
                status.notApplied().get(1).reason());
        assertEquals("+cpu +pids\n", read(mount, "cgroup.subtree_control"));
        assertEquals("200\n", read(mount, "kukeon/realm/space/stack/cell/cpu.weight"));
        assertEquals("10\n", read(mount, "kukeon/realm/space/stack/cell/pids.max"));
        assertFalse(Files.exists(mount.resolve("kukeon/realm/space/stack/cell/memory.max")));
    }

    @Test
    void swapWithoutSwapAccountingIsNotApplied() {
        GroupStatus status = driver.ensure(CELL,
                new Resources(null, null, null, null, new Resources.Memory(null, null, null, 1L << 30, 1L << 30), null, null));

        assertEquals(1, status.notApplied().size());
        assertEquals("memory.swapMax", status.notApplied().get(0).field());
        assertTrue(status.notApplied().get(0).reason().contains("does not account swap"));
    }

    @Test
    void controllersAlreadyEnabledAreKept() throws IOException {
        Files.writeString(mount.resolve("cgroup.subtree_control"), "hugetlb memory\n");

        driver.ensure(CELL, Resources.NONE);

        assertEquals("+cpu +hugetlb +io +memory +pids\n", read(mount, "cgroup.subtree_control"));
        assertEquals(FOUR, read(mount, "kukeon/cgroup.subtree_control"), "below the root only what we asked");
    }

    @Test
    void outOfRangeValuesAreRefusedNamingTheFieldAndNothingIsCreated() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> driver.ensure(CELL,
                new Resources(null, null, null, new Resources.Cpu(0L, null, null, null, null), null, null, null)));

        assertEquals("resources.cpu.weight", e.field());
        assertFalse(Files.exists(mount.resolve("kukeon")));
        InvalidArgumentException io = assertThrows(InvalidArgumentException.class, () -> driver.ensure(CELL,
                new Resources(null, null, null, null, null, new Resources.Io(5000L, null), null)));
        assertEquals("resources.io.weight", io.field());
    }

    @Test
    void usageReadsTheStatFiles() throws IOException {
        driver.ensure(CELL, Resources.NONE);
        FakeCgroup2Tree.group(mount, "kukeon/realm/space/stack/cell",
                "memory.current", "4096\n", "memory.events", "low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\n",
                "cpu.stat", "usage_usec 1234\nuser_usec 1000\nsystem_usec 234\n", "pids.current", "3\n");

        assertEquals(new GroupStatus.Usage(4096L, 1234L, 3L, 2L), driver.usage(CELL));

        FakeCgroup2Tree.group(mount, "kukeon/realm/space/stack/cell", "memory.max", "67108864\n",
                "io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n8:16 rbytes=1000 wbytes=0 rios=1 wios=0\n");
        assertEquals(new GroupStatus.Usage(4096L, 1234L, 3L, 2L, 67_108_864L, 5096L, 8192L), driver.usage(CELL));
        FakeCgroup2Tree.group(mount, "kukeon/realm/space/stack/cell", "memory.max", "max\n");
        assertEquals(null, driver.usage(CELL).memoryLimitBytes());
        assertEquals(new GroupStatus.Usage(null, null, null, null), driver.usage(CELL.child("gone")));
    }

    @Test
    void deleteRemovesTheSubtreeDeepestFirstAndLeavesTheParent() throws IOException {
        driver.ensure(CELL.child("c1"), full());
        driver.ensure(CELL.child("c2"), Resources.NONE);

        driver.delete(CELL);

        assertFalse(Files.exists(mount.resolve("kukeon/realm/space/stack/cell")));
        assertTrue(Files.isDirectory(mount.resolve("kukeon/realm/space/stack")));
        assertEquals("+cpu +cpuset +io +memory +pids\n", read(mount, "kukeon/realm/space/stack/cgroup.subtree_control"));
        assertFalse(driver.exists(CELL));
        driver.delete(CELL); // missing is fine
    }

    @Test
    void deleteKillsTheProcessesListedInTheSubtreeByPid() throws Exception {
        driver.ensure(CELL.child("c1"), Resources.NONE);
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        try {
            Files.writeString(mount.resolve("kukeon/realm/space/stack/cell/c1/cgroup.procs"), sleeper.pid() + "\n");

            driver.delete(CgroupPath.parse("/kukeon/realm"));

            assertEquals(137, sleeper.waitFor(), "SIGKILL");
            assertFalse(Files.exists(mount.resolve("kukeon/realm")));
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void deleteRefusesToKillTheDaemonItself() throws IOException {
        driver.ensure(CELL, Resources.NONE);
        Files.writeString(mount.resolve("kukeon/realm/space/stack/cell/cgroup.procs"), ProcessHandle.current().pid() + "\n");

        CgroupFailureException e = assertThrows(CgroupFailureException.class, () -> driver.delete(CELL));

        assertTrue(e.getMessage().contains("own process"), e.getMessage());
        assertTrue(Files.isDirectory(mount.resolve("kukeon/realm/space/stack/cell")));
    }
}
