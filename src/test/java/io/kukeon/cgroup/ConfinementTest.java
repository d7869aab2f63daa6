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
    void theRootMustBeOneNameAndNeverSlash() {
        for (String bad : new String[] {"/", "", "a/b", "..", "/../etc", "Kukeon"}) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> new CgroupSettings(bad, null), bad);
            assertEquals("cgroupRoot", e.field());
        }
        assertThrows(InvalidArgumentException.class, () -> new CgroupSettings(null, null));
        assertEquals("kukeon", new CgroupSettings("/kukeon", null).root());
        assertEquals("kukeon", CgroupSettings.defaults().root());
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
