package io.kukeon.daemon;

import io.kukeon.model.HostIds;
import io.kukeon.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cgroup root and namespace suffix are chosen once per data dir and kept. */
class InstanceRecordTest {
    static final HostIds AUTO = new HostIds("auto", "kukeon.io");
    @TempDir
    Path dataDir;
    final AtomicInteger asked = new AtomicInteger();
    final Supplier<CgroupRootChoice> service = () -> {
        asked.incrementAndGet();
        return new CgroupRootChoice("system.slice/kukeond.service/kukeon", "the subtree systemd delegates to kukeond.service");
    };

    @Test
    void aFreshDataDirTakesTheChoiceAndKeepsItAtEveryStart() throws IOException {
        HostIds first = InstanceRecord.settle(dataDir, AUTO, true, service);
        assertEquals("system.slice/kukeond.service/kukeon", first.cgroupRoot());
        assertTrue(Files.readString(dataDir.resolve(InstanceRecord.FILE)).contains("system.slice/kukeond.service/kukeon"));

        // later starts (also no longer under systemd, or with the root the record names) keep it
        assertEquals(first, InstanceRecord.settle(dataDir, AUTO, false, () -> new CgroupRootChoice("kukeon", "by hand")));
        assertEquals(first, InstanceRecord.settle(dataDir, new HostIds("/system.slice/kukeond.service/kukeon", "kukeon.io"),
                false, service));
        assertEquals(1, asked.get(), "chosen once");
    }

    @Test
    void anotherRootOrSuffixThanTheRecordedOneIsRefusedByName() throws IOException {
        InstanceRecord.settle(dataDir, AUTO, true, service);
        String before = Files.readString(dataDir.resolve(InstanceRecord.FILE));

        InvalidArgumentException root = assertThrows(InvalidArgumentException.class,
                () -> InstanceRecord.settle(dataDir, new HostIds("kukeon", "kukeon.io"), false, service));
        assertEquals("cgroup-root", root.field());
        assertTrue(root.getMessage().contains("--cgroup-root system.slice/kukeond.service/kukeon"), root.getMessage());
        InvalidArgumentException suffix = assertThrows(InvalidArgumentException.class,
                () -> InstanceRecord.settle(dataDir, new HostIds("auto", "other.io"), false, service));
        assertEquals("namespace-suffix", suffix.field());
        assertEquals(before, Files.readString(dataDir.resolve(InstanceRecord.FILE)), "nothing changed");
    }

    @Test
    void aDataDirOfAnEarlierReleaseKeepsTheRootItHasAlwaysUsed() throws IOException {
        HostIds legacy = InstanceRecord.settle(dataDir, AUTO, false, service);
        assertEquals("kukeon", legacy.cgroupRoot());
        assertEquals(0, asked.get());
        HostIds explicit = InstanceRecord.settle(Files.createDirectory(dataDir.resolve("other")),
                new HostIds("machine.slice/kukeon", "kukeon.io"), true, service);
        assertEquals("machine.slice/kukeon", explicit.cgroupRoot());
    }

    @Test
    void aDamagedRecordIsNamed() throws IOException {
        Files.writeString(dataDir.resolve(InstanceRecord.FILE), "cgroup-root = \"/\"\n");
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> InstanceRecord.settle(dataDir, AUTO, false, service));
        assertEquals("data-dir", e.field());
    }
}
