package io.kukeon.cgroup;

import io.kukeon.model.CgroupPath;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Removes a group and everything below it from every hierarchy that has it: first ends what runs there
 * ({@code cgroup.kill}, else SIGKILL by PID, under the v1 freezer so nothing forks meanwhile), waits
 * until no process is left, then removes the directories deepest first.
 */
final class SubtreeRemoval {
    static final Duration KILL_WAIT = Duration.ofSeconds(10);
    static final Duration RMDIR_WAIT = Duration.ofSeconds(5);
    private static final long POLL_MS = 20;

    private SubtreeRemoval() {}

    /** @param freezer the v1 freezer hierarchy, or null */
    static void remove(List<ConfinedHierarchy> hierarchies, ConfinedHierarchy freezer, CgroupPath group) {
        List<ConfinedHierarchy> present = hierarchies.stream().filter(h -> h.exists(group)).toList();
        if (present.isEmpty()) {
            return;
        }
        if (!livePids(present, group).isEmpty()) {
            kill(present, freezer, group);
        }
        for (ConfinedHierarchy h : present) {
            for (CgroupPath g : h.subtree(group)) {
                rmdir(h, g);
            }
        }
    }

    private static void kill(List<ConfinedHierarchy> present, ConfinedHierarchy freezer, CgroupPath group) {
        for (ConfinedHierarchy h : present) {
            if (h.has(group, "cgroup.kill")) {
                write(h, group, "cgroup.kill", "1");
            }
        }
        boolean frozen = freezer != null && present.contains(freezer) && freeze(freezer, group);
        try {
            long deadline = System.nanoTime() + KILL_WAIT.toNanos();
            Set<Long> left = livePids(present, group);
            while (!left.isEmpty()) {
                for (long pid : left) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
                if (frozen) {
                    // a frozen process does not die of SIGKILL until thawed
                    write(freezer, group, "freezer.state", "THAWED");
                    frozen = false;
                }
                if (System.nanoTime() > deadline) {
                    throw new CgroupFailureException("processes " + left + " in " + group + " survived SIGKILL for "
                            + KILL_WAIT.toSeconds() + " s");
                }
                sleep();
                left = livePids(present, group);
            }
        } finally {
            if (frozen) {
                write(freezer, group, "freezer.state", "THAWED");
            }
        }
    }

    /** Freezes the subtree so nothing forks between reading cgroup.procs and the kill; true when it must be thawed after. */
    private static boolean freeze(ConfinedHierarchy freezer, CgroupPath group) {
        if (!freezer.has(group, "freezer.state")) {
            return false;
        }
        write(freezer, group, "freezer.state", "FROZEN");
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < deadline) {
            if ("FROZEN".equals(freezer.read(group, "freezer.state"))) {
                return true;
            }
            sleep();
        }
        return true; // still FREEZING: killed and thawed all the same
    }

    /**
     * Live processes in the subtree of every hierarchy. Our own process is refused: a daemon placed under
     * its own root by mistake must not kill itself.
     */
    static Set<Long> livePids(List<ConfinedHierarchy> hierarchies, CgroupPath group) {
        Set<Long> pids = new TreeSet<>();
        for (ConfinedHierarchy h : hierarchies) {
            for (CgroupPath g : h.subtree(group)) {
                String procs = h.read(g, "cgroup.procs");
                if (procs == null) {
                    continue;
                }
                for (String line : procs.split("\n")) {
                    if (!line.isBlank()) {
                        long pid = Long.parseLong(line.trim());
                        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                            pids.add(pid);
                        }
                    }
                }
            }
        }
        long self = ProcessHandle.current().pid();
        if (pids.contains(self) || pids.contains(1L)) {
            throw new CgroupFailureException("refusing to delete " + group + ": it holds "
                    + (pids.contains(self) ? "this daemon's own process " + self : "PID 1"));
        }
        return pids;
    }

    /** rmdir, retried briefly: the kernel answers EBUSY while the last processes finish leaving. */
    private static void rmdir(ConfinedHierarchy h, CgroupPath g) {
        long deadline = System.nanoTime() + RMDIR_WAIT.toNanos();
        while (true) {
            try {
                h.removeDir(g);
                return;
            } catch (java.nio.file.NoSuchFileException gone) {
                return;
            } catch (IOException e) {
                boolean busy = ConfinedHierarchy.reason(e).contains("busy");
                if (!busy || System.nanoTime() > deadline) {
                    throw new CgroupFailureException("cannot remove " + h.mount().resolve(g.relative()) + ": "
                            + ConfinedHierarchy.reason(e), e);
                }
                sleep();
            }
        }
    }

    private static void write(ConfinedHierarchy h, CgroupPath g, String file, String value) {
        try {
            h.write(g, file, value);
        } catch (IOException e) {
            throw new CgroupFailureException("cannot write \"" + value + "\" to " + h.file(g, file) + ": "
                    + ConfinedHierarchy.reason(e), e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CgroupFailureException("interrupted while removing a cgroup", e);
        }
    }
}
