package io.kukeon.secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FileModesTest {
    @TempDir
    Path dir;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static void chmod(Path p, String mode) throws Exception {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    @Test
    void everyDirectoryAndFileUnderTheRootIsTightenedAndNothingOutsideIt() throws Exception {
        Path root = Files.createDirectories(dir.resolve("data/logs/r/s"));
        root = dir.resolve("data");
        Path log = Files.writeString(root.resolve("logs/r/s/app.log"), "hello\n");
        Path executable = Files.writeString(root.resolve("tool"), "#!/bin/sh\n");
        Path outsideDir = Files.createDirectories(dir.resolve("elsewhere"));
        Path outsideFile = Files.writeString(outsideDir.resolve("shared.txt"), "not ours\n");
        Files.createSymbolicLink(root.resolve("link-to-file"), outsideFile);
        Files.createSymbolicLink(root.resolve("link-to-dir"), outsideDir);
        for (Path p : new Path[] {root, root.resolve("logs"), root.resolve("logs/r"), root.resolve("logs/r/s"), outsideDir}) {
            chmod(p, "rwxr-xr-x");
        }
        chmod(log, "rw-r--r--");
        chmod(executable, "rwxrwxrwx");
        chmod(outsideFile, "rw-r--r--");

        assertEquals(6, FileModes.tightenTree(root));

        for (Path d : new Path[] {root, root.resolve("logs"), root.resolve("logs/r"), root.resolve("logs/r/s")}) {
            assertEquals("rwx------", mode(d), d.toString());
        }
        assertEquals("rw-------", mode(log));
        assertEquals("rw-------", mode(executable));
        assertEquals("rw-r--r--", mode(outsideFile), "a link's target outside the root is not touched");
        assertEquals("rwxr-xr-x", mode(outsideDir), "nor a linked directory");
        assertEquals(0, FileModes.tightenTree(root), "a second pass changes nothing");
    }

    @Test
    void whatLiesInsideAKeptDirectoryIsLeftAsItsUsersMadeIt() throws Exception {
        Path root = dir.resolve("data");
        Path volumes = Files.createDirectories(root.resolve("volumes/r/_volumes/v"));
        Path script = Files.writeString(volumes.resolve("run.sh"), "#!/bin/sh\n");
        chmod(script, "rwxr-xr-x");
        chmod(volumes, "rwxrwx---");
        chmod(root.resolve("volumes"), "rwxr-xr-x");

        FileModes.tightenTree(root, file -> false, root.resolve("volumes")::equals);

        assertEquals("rwx------", mode(root.resolve("volumes")), "the kept directory itself is root's");
        assertEquals("rwxrwx---", mode(volumes));
        assertEquals("rwxr-xr-x", mode(script), "a volume's file keeps its mode");
    }

    @Test
    void newDirectoriesAreOwnerOnlyAndAnExistingOneIsNotChanged() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        chmod(shared, "rwxr-xr-x");
        Path nested = FileModes.createPrivateDirectories(shared.resolve("a/b/c"));
        assertEquals("rwx------", mode(nested));
        assertEquals("rwx------", mode(shared.resolve("a")));
        assertEquals("rwxr-xr-x", mode(shared), "a directory that was there (perhaps not ours) keeps its mode");
    }
}
