package io.kukeon.cgroup;

import io.kukeon.model.CgroupPath;
import io.kukeon.model.InvalidArgumentException;
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

/** Nothing outside {@code <mount>/<root>} is created, written or removed, whatever the names or links say. */
class ConfinementTest {
    @TempDir
    Path tmp;
    Path mount;
    Path outside;
    CgroupManager driver;

    @BeforeEach
    void trees() throws IOException {
        mount = FakeCgroup2Tree.create(Files.createDirectory(tmp.resolve("mount")), FakeCgroup2Tree.ALL);
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("precious"), "keep\n");
        driver = CgroupDrivers.open(new CgroupSettings("kukeon", mount), List.of());
    }

    @Test
    void aGroupOutsideTheRootIsRefused() {
        CgroupPath other = CgroupPath.parse("/system.slice/sshd");

        assertThrows(CgroupEscapeException.class, () -> driver.ensure(other, Resources.NONE));
        assertThrows(CgroupEscapeException.class, () -> driver.delete(other));
        assertThrows(CgroupEscapeException.class, () -> driver.usage(other));
        assertThrows(CgroupEscapeException.class, () -> driver.exists(CgroupPath.parse("/kukeon-other/x")));
        assertFalse(Files.exists(mount.resolve("system.slice")));
    }

    @Test
    void aboveADeepRootOnlyControllersAreAddedAndNothingIsRemoved() throws IOException {
        Path service = Files.createDirectories(mount.resolve("system.slice/kukeond.service"));
        Files.writeString(mount.resolve("system.slice/cgroup.subtree_control"), "memory\n");
        Files.writeString(service.resolve("memory.max"), "1024\n");
        CgroupManager deep = CgroupDrivers.open(new CgroupSettings("system.slice/kukeond.service/kukeon", mount), List.of());
        CgroupPath cell = CgroupPath.parse("/system.slice/kukeond.service/kukeon/realm");

        deep.ensure(cell, new Resources(64L << 20, null, null, null, null, null, null));

        assertEquals("67108864\n", Files.readString(mount.resolve(cell.relative()).resolve("memory.max")));
        assertTrue(Files.readString(service.resolve("cgroup.subtree_control")).contains("+memory"),
                "the delegated service group enables what its children need");
        assertEquals("1024\n", Files.readString(service.resolve("memory.max")), "the service's own limit is systemd's");
        assertThrows(CgroupEscapeException.class, () -> deep.ensure(CgroupPath.parse("/system.slice/kukeond.service/x"),
                Resources.NONE));
        assertThrows(CgroupEscapeException.class, () -> deep.delete(CgroupPath.parse("/system.slice/kukeond.service")));

        deep.delete(CgroupPath.parse("/system.slice/kukeond.service/kukeon"));

        assertTrue(Files.isDirectory(service), "groups above the root stay");
        assertFalse(Files.exists(service.resolve("kukeon")));
    }

    @Test
    void aSymlinkInsideTheTreeIsNotFollowed() throws IOException {
        Files.createDirectories(mount.resolve("kukeon"));
        Files.createSymbolicLink(mount.resolve("kukeon/realm"), outside);
        CgroupPath through = CgroupPath.parse("/kukeon/realm/space");
        Resources limits = new Resources(64L << 20, null, null, null, null, null, null);

        assertThrows(CgroupEscapeException.class, () -> driver.ensure(through, limits));
        assertThrows(CgroupEscapeException.class, () -> driver.delete(CgroupPath.parse("/kukeon/realm")));
        assertThrows(CgroupEscapeException.class, () -> driver.usage(through));

        assertEquals(List.of(outside.resolve("precious")), list(outside));
        assertTrue(Files.isSymbolicLink(mount.resolve("kukeon/realm")));
    }

    @Test
    void aRootThatIsASymlinkIsRefused() throws IOException {
        Files.createSymbolicLink(mount.resolve("kukeon"), outside);

        assertThrows(CgroupEscapeException.class, () -> driver.ensure(CgroupPath.parse("/kukeon/realm"), Resources.NONE));
        assertThrows(CgroupEscapeException.class, () -> driver.delete(CgroupPath.parse("/kukeon")));
        assertEquals(List.of(outside.resolve("precious")), list(outside));
    }

    @Test
    void aSymlinkedInterfaceFileIsNotWrittenThrough() throws IOException {
        Path cell = Files.createDirectories(mount.resolve("kukeon/realm"));
        Files.createSymbolicLink(cell.resolve("memory.max"), outside.resolve("precious"));

        assertThrows(CgroupEscapeException.class, () -> driver.ensure(CgroupPath.parse("/kukeon/realm"),
                new Resources(64L << 20, null, null, null, null, null, null)));
        assertEquals("keep\n", Files.readString(outside.resolve("precious")));
    }

    @Test
    void deleteDoesNotDescendIntoALinkedDirectory() throws IOException {
        driver.ensure(CgroupPath.parse("/kukeon/realm"), Resources.NONE);
        Files.createSymbolicLink(mount.resolve("kukeon/realm/elsewhere"), outside);

        driver.delete(CgroupPath.parse("/kukeon/realm"));

        assertFalse(Files.exists(mount.resolve("kukeon/realm")));
        assertEquals(List.of(outside.resolve("precious")), list(outside));
    }

    @Test
    void theRootIsNamesAndNeverSlash() {
        for (String bad : new String[] {"/", "", "a//b", "a/", "..", "/../etc", "a/../b", "Kukeon", "a/B"}) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> new CgroupSettings(bad, null), bad);
            assertEquals("cgroupRoot", e.field());
        }
        assertThrows(InvalidArgumentException.class, () -> new CgroupSettings(null, null));
        assertEquals("kukeon", new CgroupSettings("/kukeon", null).root());
        assertEquals("kukeon", CgroupSettings.defaults().root());
        assertEquals("system.slice/kukeond.service/kukeon", new CgroupSettings("/system.slice/kukeond.service/kukeon", null).root());
    }

    @Test
    void cgroupPathsCannotClimb() {
        assertThrows(IllegalArgumentException.class, () -> CgroupPath.parse("/kukeon/../etc"));
        assertThrows(IllegalArgumentException.class, () -> CgroupPath.parse("/kukeon/a/./b"));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }
}
