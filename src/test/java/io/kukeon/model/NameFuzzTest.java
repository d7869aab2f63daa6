package io.kukeon.model;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated names and paths: whatever the name rule accepts yields a cgroup path, a log file and
 * containerd identifiers that stay inside their roots and obey containerd's rules; whatever it
 * refuses never becomes a path at all.
 */
class NameFuzzTest {
    private static final String[] PIECES = {"a", "b", "z", "0", "9", "-", "--", ".", "..", "/", "_", "A", "Z", " ", "\0",
            "memory.", "cgroup.", "tasks",
            "é", "\u202e", "%2e", "\\", "~", "*", "\n", "x".repeat(30), "web", "cell-1"};
    private static final HostIds IDS = HostIds.defaults();
    private static final Path CGROUP_MOUNT = Path.of("/sys/fs/cgroup/memory");
    private static final Path LOG_DIR = Path.of("/var/lib/kukeon/logs");

    /** Mostly plausible names (some too long, some with bad hyphens), else a mix of hostile pieces. */
    private static String name(Random random) {
        StringBuilder s = new StringBuilder();
        if (random.nextInt(10) < 8) {
            int length = 1 + random.nextInt(random.nextInt(20) == 0 ? 70 : 24);
            for (int i = 0; i < length; i++) {
                String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
                s.append(random.nextInt(8) == 0 ? (random.nextBoolean() ? '-' : '.') : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return s.toString();
        }
        int pieces = random.nextInt(6);
        for (int i = 0; i < pieces; i++) {
            s.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return s.toString();
    }

    @Test
    void everyAcceptedNameStaysInsideItsRootsAndEveryRefusedOneMakesNoPath() {
        Random random = new Random(20261129L);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 60_000; i++) {
            List<String> names = List.of(name(random), name(random), name(random), name(random), name(random));
            boolean valid = names.stream().allMatch(Names::isValid);
            if (!valid) {
                refused++;
                assertThrows(InvalidArgumentException.class, () -> new ObjectPath(names), names.toString());
                continue;
            }
            accepted++;
            ObjectPath container = new ObjectPath(names);
            check(container);
        }
        assertTrue(accepted > 2_000 && refused > 2_000, "both kinds generated: " + accepted + " accepted, " + refused + " refused");
    }

    private static void check(ObjectPath container) {
        for (int depth = 1; depth <= 5; depth++) {
            ObjectPath p = new ObjectPath(container.segments().subList(0, depth));
            CgroupPath group = IDS.cgroup(p);
            Path dir = CGROUP_MOUNT.resolve(group.relative()).normalize();
            assertTrue(dir.startsWith(CGROUP_MOUNT.resolve("kukeon")), dir.toString());
            assertEquals(depth + 1, CGROUP_MOUNT.relativize(dir).getNameCount(), "one directory per level: " + dir);
        }
        Path log = IDS.logDir(LOG_DIR, container).normalize();
        assertTrue(log.startsWith(LOG_DIR), log.toString());
        assertEquals(5, LOG_DIR.relativize(log).getNameCount(), log.toString());

        String namespace = IDS.namespace(container.realm());
        assertTrue(namespace.length() <= HostIds.CONTAINERD_ID_MAX, namespace);
        assertTrue(HostIds.CONTAINERD_ID.matcher(namespace).matches(), namespace);

        String id = IDS.containerdId(container);
        if (id.length() <= HostIds.CONTAINERD_ID_MAX) {
            IDS.checkContainerdId(container, "id");
            assertTrue(HostIds.CONTAINERD_ID.matcher(id).matches(), id);
            assertEquals(container, IDS.containerPath(container.realm(), id), "the ID leads back to the object");
        } else {
            assertThrows(InvalidArgumentException.class, () -> IDS.checkContainerdId(container, "id"), id);
        }
    }
}
