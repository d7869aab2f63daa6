package io.kukeon.cgroup;

import io.kukeon.testing.RealComponents;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the tests of this host's real cgroup trees share: a root of their own, and proof it is gone after. */
final class RealHierarchies {
    static final Path CGROUP_DIR = Path.of("/sys/fs/cgroup");

    private RealHierarchies() {}

    /** A root no one else uses: {@code <test prefix><random>}. */
    static String newRoot() {
        return RealComponents.cgroupRoot(Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
    }

    /** Every place under /sys/fs/cgroup (each hierarchy, and the top itself on pure v2) where {@code root} still is. */
    static List<Path> leftovers(String root) throws IOException {
        List<Path> left = new ArrayList<>();
        if (Files.exists(CGROUP_DIR.resolve(root))) {
            left.add(CGROUP_DIR.resolve(root));
        }
        try (Stream<Path> dirs = Files.list(CGROUP_DIR)) {
            for (Path h : dirs.filter(Files::isDirectory).toList()) {
                if (Files.exists(h.resolve(root))) {
                    left.add(h.resolve(root));
                }
            }
        }
        return left;
    }

    static void assertNothingLeft(String root) throws IOException {
        assertEquals(List.of(), leftovers(root), "groups of the test root still on the host");
    }

    static String busybox() {
        Path p = Stream.of("/bin/busybox", "/usr/bin/busybox").map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        RealComponents.need("busybox", p != null, "the real cgroup tests run their workloads with /bin/busybox");
        return p.toString();
    }

    /** The lines of /proc/PID/cgroup: {@code 4:memory:/kukeon-test-x/realm}. */
    static List<String> cgroupsOf(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"));
    }

    /**
     * Gone, or a zombie: killed but not yet reaped. An orphan is reaped by this host's PID 1
     * (process_api) in its own time, so "dead" cannot wait for the reaping.
     */
    static boolean isDead(long pid) throws IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        try {
            String s = Files.readString(stat);
            return s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.nio.file.NoSuchFileException gone) {
            return true;
        }
    }
}
