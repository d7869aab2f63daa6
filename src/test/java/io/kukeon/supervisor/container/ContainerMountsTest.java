package io.kukeon.supervisor.container;

import io.kukeon.model.ContainerSpec;
import io.kukeon.model.TmpfsMount;
import io.kukeon.model.VolumeMount;
import io.kukeon.runtime.OciMount;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.testing.Specs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerMountsTest {
    @TempDir
    Path dir;

    @Test
    void bindsAndTmpfsBecomeOciMountsShallowTargetsFirst() {
        ContainerSpec spec = Specs.container("app").volumes(
                VolumeMount.bind("/srv/cache", "/data/cache", false, false),
                VolumeMount.bind("/srv/data", "/data", false, false),
                VolumeMount.bind("/etc/app", "/config", true, false),
                VolumeMount.tmpfs("/scratch", 8_388_608L, 0700))
                .tmpfs(new TmpfsMount("/tmp", 4096L, List.of("noexec", "nosuid", "mode=1777"))).build();
        assertEquals(List.of(
                new OciMount("/data", "bind", "/srv/data", List.of("rbind", "rprivate", "rw")),
                // read-only: not recursive, so no mount below the source stays writable
                new OciMount("/config", "bind", "/etc/app", List.of("bind", "rprivate", "ro")),
                new OciMount("/scratch", "tmpfs", "tmpfs", List.of("nosuid", "nodev", "size=8388608", "mode=0700", "rw")),
                // nosuid and nodev always, once; the size from sizeBytes
                new OciMount("/tmp", "tmpfs", "tmpfs", List.of("nosuid", "nodev", "noexec", "mode=1777", "size=4096")),
                new OciMount("/data/cache", "bind", "/srv/cache", List.of("rbind", "rprivate", "rw"))),
                ContainerMounts.of(spec, java.util.Map.of()));
    }

    @Test
    void ensureMakesTheMissingDirectories0755AndLeavesWhatExists() throws Exception {
        Path existing = Files.createDirectory(dir.resolve("existing"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwx------"));
        Path source = existing.resolve("a/b");
        ContainerSpec spec = Specs.container("app").volumes(VolumeMount.bind(source.toString(), "/data", false, true)).build();

        ContainerMounts.prepareSources(spec);
        ContainerMounts.prepareSources(spec);   // idempotent

        assertTrue(Files.isDirectory(source));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(source)));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(source.getParent())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)), "left as it was");
    }

    @Test
    void aSourceGoneByStartTimeFailsTheStartNamingTheVolume() {
        Path gone = dir.resolve("gone");
        ContainerSpec spec = Specs.container("app").volumes(VolumeMount.tmpfs("/scratch", 4096L, null),
                VolumeMount.bind(gone.toString(), "/data", true, false)).build();
        RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> ContainerMounts.prepareSources(spec));
        assertEquals(ContainerMounts.SOURCE_MISSING, e.kind());
        assertEquals("volumes[1] (target /data): its source " + gone + " does not exist on the host (create it, or set"
                + " ensure: true)", e.getMessage());
        assertFalse(Files.exists(gone), "nothing made without ensure");
    }
}
