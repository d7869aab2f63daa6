package io.kukeon.cgroup;

import io.kukeon.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CgroupLayoutTest {
    /** /proc/self/mountinfo of this project's machines (Debian 12, hybrid). */
    static final List<String> HYBRID = List.of(
            "23 1 0:21 / / rw,relatime - overlay overlay rw",
            "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
            "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
            "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct",
            "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset",
            "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices",
            "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer",
            "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio",
            "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
            "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");

    static final List<String> PURE_V2 = List.of(
            "24 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
            "30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot");

    /** A legacy host: cpu and cpuacct co-mounted, and the memory hierarchy bound a second time. */
    static final List<String> LEGACY = List.of(
            "25 20 0:22 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755",
            "26 25 0:23 / /sys/fs/cgroup/systemd rw shared:6 - cgroup cgroup rw,xattr,release_agent=/lib/systemd/x,name=systemd",
            "28 25 0:25 / /sys/fs/cgroup/cpu,cpuacct rw shared:8 - cgroup cgroup rw,cpu,cpuacct",
            "29 25 0:26 / /sys/fs/cgroup/memory rw shared:9 - cgroup cgroup rw,memory",
            "30 25 0:27 / /sys/fs/cgroup/net_cls,net_prio rw shared:10 - cgroup cgroup rw,net_cls,net_prio",
            "90 23 0:26 / /mnt/memory\\040again rw - cgroup cgroup rw,memory");

    @Test
    void theHybridLayoutOfThisProjectsMachines() {
        CgroupLayout l = CgroupLayout.detect(MountInfo.parse(HYBRID), null);

        assertEquals(CgroupLayout.Mode.HYBRID, l.mode());
        assertEquals(Path.of("/sys/fs/cgroup/unified"), l.unified());
        assertEquals(9, l.v1().size());
        assertEquals(Path.of("/sys/fs/cgroup/memory"), l.hierarchyOf("memory").mountpoint());
        assertEquals(Set.of("name=systemd"), l.hierarchyOf("name=systemd").controllers());
        assertNull(l.hierarchyOf("net_cls"));
    }

    @Test
    void pureV2() {
        CgroupLayout l = CgroupLayout.detect(MountInfo.parse(PURE_V2), null);

        assertEquals(CgroupLayout.Mode.V2, l.mode());
        assertEquals(Path.of("/sys/fs/cgroup"), l.unified());
        assertEquals(List.of(), l.v1());
    }

    @Test
    void legacyV1WithCoMountedControllersAndABindMount() {
        CgroupLayout l = CgroupLayout.detect(MountInfo.parse(LEGACY), null);

        assertEquals(CgroupLayout.Mode.V1, l.mode());
        assertNull(l.unified());
        assertEquals(4, l.v1().size(), "the second memory mount is the same hierarchy");
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct"), l.hierarchyOf("cpuacct").mountpoint());
        assertEquals(l.hierarchyOf("cpu"), l.hierarchyOf("cpuacct"));
        assertEquals(Path.of("/sys/fs/cgroup/memory"), l.hierarchyOf("memory").mountpoint());
    }

    @Test
    void mountpointsWithEscapedCharacters() {
        List<MountInfo.Mount> m = MountInfo.parse(LEGACY);

        assertEquals(Path.of("/mnt/memory again"), m.get(m.size() - 1).mountpoint());
        assertEquals("a\\b c", MountInfo.unescape("a\\134b\\040c"));
    }

    @Test
    void anOverrideNamingACgroup2MountUsesIt(@TempDir Path unified) {
        List<String> lines = List.of("41 31 0:38 / " + unified + " rw,relatime - cgroup2 cgroup2 rw");

        CgroupLayout l = CgroupLayout.detect(MountInfo.parse(lines), unified);

        assertEquals(CgroupLayout.Mode.V2, l.mode());
        assertEquals(unified, l.unified());
    }

    @Test
    void anOverrideNamingTheDirectoryOfV1MountsUsesTheMountsBelowIt(@TempDir Path dir) {
        List<String> lines = List.of(
                "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu",
                "50 49 0:29 / " + dir.resolve("cpu") + " rw - cgroup cgroup rw,cpu",
                "51 49 0:32 / " + dir.resolve("memory") + " rw - cgroup cgroup rw,memory");

        CgroupLayout l = CgroupLayout.detect(MountInfo.parse(lines), dir);

        assertEquals(CgroupLayout.Mode.V1, l.mode());
        assertEquals(dir.resolve("cpu"), l.hierarchyOf("cpu").mountpoint(), "the mount below the override, not the host's");
        assertEquals(dir.resolve("memory"), l.hierarchyOf("memory").mountpoint());
    }

    @Test
    void aPlainDirectoryOfV1HierarchiesStandsInForAHybridHost(@TempDir Path dir) throws IOException {
        for (String h : List.of("cpu,cpuacct", "memory", "systemd")) {
            Files.writeString(Files.createDirectory(dir.resolve(h)).resolve("cgroup.procs"), "");
        }
        FakeCgroup2Tree.create(Files.createDirectory(dir.resolve("unified")), "");

        CgroupLayout l = CgroupLayout.detect(List.of(), dir);

        assertEquals(CgroupLayout.Mode.HYBRID, l.mode());
        assertEquals(dir.resolve("unified"), l.unified());
        assertEquals(Set.of("cpu", "cpuacct"), l.hierarchyOf("cpu").controllers());
        assertEquals(dir.resolve("systemd"), l.hierarchyOf("name=systemd").mountpoint());
    }

    @Test
    void noCgroupsAtAllIsAClearError(@TempDir Path empty) {
        CgroupFailureException none = assertThrows(CgroupFailureException.class,
                () -> CgroupLayout.detect(MountInfo.parse(List.of("23 1 0:21 / / rw - ext4 /dev/sda rw")), null));
        assertTrue(none.getMessage().contains("no cgroup hierarchy"), none.getMessage());

        assertThrows(CgroupFailureException.class, () -> CgroupLayout.detect(List.of(), empty));
        InvalidArgumentException missing = assertThrows(InvalidArgumentException.class,
                () -> CgroupLayout.detect(List.of(), empty.resolve("nope")));
        assertEquals("mountpoint", missing.field());
    }

    @Test
    void thisHostsOwnMountTableGivesALayout() {
        CgroupLayout l = CgroupLayout.detect(MountInfo.read(), null);

        assertTrue(l.mode() == CgroupLayout.Mode.V2 ? l.unified() != null : !l.v1().isEmpty(), l.toString());
    }
}
