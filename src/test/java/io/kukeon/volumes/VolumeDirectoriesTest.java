package io.kukeon.volumes;

import io.kukeon.model.ObjectPath;
import io.kukeon.model.ReclaimPolicy;
import io.kukeon.model.StoredVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VolumeDirectoriesTest {
    @TempDir
    Path root;

    @Test
    void aScopesVolumesNeverMeetAChildScopesDirectory() {
        VolumeDirectories dirs = new VolumeDirectories(root);
        assertEquals(root.resolve("r/_volumes/s"), dirs.dir(ObjectPath.parse("r"), "s"));
        assertEquals(root.resolve("r/s/_volumes/v"), dirs.dir(ObjectPath.parse("r/s"), "v"));
        assertEquals(root.resolve("r/s/t/_volumes/v"), dirs.dir(ObjectPath.parse("r/s/t"), "v"));
    }

    @Test
    void aMountsSourceIsMadeInsideTheVolumeAndALinkOnTheWayIsRefused() throws IOException {
        VolumeDirectories dirs = new VolumeDirectories(root);
        ObjectPath stack = ObjectPath.parse("r/s/t");
        Path made = dirs.mountSource(stack, "v", "cells/web");
        assertEquals(dirs.dir(stack, "v").resolve("cells/web"), made);
        assertEquals(VolumeDirectories.VOLUME_MODE, (int) Files.getAttribute(made, "unix:mode") & 07777);
        assertEquals(made, dirs.mountSource(stack, "v", "cells/web"), "idempotent");

        Path outside = Files.createDirectory(root.resolve("outside"));
        Files.createSymbolicLink(dirs.dir(stack, "v").resolve("planted"), outside);
        IOException refused = assertThrows(IOException.class, () -> dirs.mountSource(stack, "v", "planted/x"));
        assertTrue(refused.getMessage().contains("is not a directory"), refused.getMessage());
        assertFalse(Files.exists(outside.resolve("x")), "nothing made through the link");
    }

    @Test
    void reclaimRemovesDeleteVolumesOnly() throws IOException {
        VolumeDirectories dirs = new VolumeDirectories(root);
        ObjectPath realm = ObjectPath.parse("r");
        dirs.ensure(realm, "gone");
        dirs.ensure(realm, "kept");
        Files.writeString(dirs.dir(realm, "kept").resolve("f"), "x");
        Instant now = Instant.now();
        dirs.reclaim(realm, Map.of("gone", new StoredVolume(ReclaimPolicy.Delete, now, now),
                "kept", new StoredVolume(ReclaimPolicy.Retain, now, now)));
        assertFalse(Files.exists(dirs.dir(realm, "gone")));
        assertEquals("x", Files.readString(dirs.dir(realm, "kept").resolve("f")));
    }

    @Test
    void theSizeWalkSaysWhenItStoppedEarly() throws IOException {
        VolumeDirectories dirs = new VolumeDirectories(root);
        ObjectPath realm = ObjectPath.parse("r");
        Path dir = dirs.ensure(realm, "v");
        for (int i = 0; i < 10; i++) {
            Files.write(dir.resolve("f" + i), new byte[100]);
        }
        VolumeDirectories.DiskUsage all = dirs.usage(realm, "v", 1000, Duration.ofSeconds(5));
        assertEquals(1000, all.bytes());
        assertTrue(all.complete());
        VolumeDirectories.DiskUsage cut = dirs.usage(realm, "v", 5, Duration.ofSeconds(5));
        assertFalse(cut.complete());
        assertTrue(cut.bytes() < 1000, cut.toString());
        assertEquals(new VolumeDirectories.DiskUsage(0, 0, true), dirs.usage(realm, "never-made", 5, Duration.ofSeconds(1)));
    }
}
