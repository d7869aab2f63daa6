package io.kukeon.runtime.containerd;

import io.kukeon.cgroup.MountInfo;
import io.kukeon.network.HostCommand;
import io.kukeon.runtime.RuntimeFailure;
import io.kukeon.secrets.FileModes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bundle directory a task create leaves in containerd's state when its shim dies halfway (a
 * kukeond killed mid-create cancels containerd's context): containerd forgets the task but keeps
 * {@code <state>/io.containerd.runtime.v2.task/<namespace>/<id>}, and every later create of that
 * container fails with "failed to start shim: mkdir …: file exists" until containerd restarts (its
 * start-up clean-up is the only one that removes it). We remove it as that clean-up does: its
 * rootfs unmounted, its orphaned shim ended, the directory gone; only for a container of ours
 * whose task containerd no longer knows, only the exact path containerd names, and only once it
 * has been left unchanged for {@link #ABANDONED_AFTER}: a create still under way (one whose caller
 * gave up a moment ago) names its bundle in the same words while it writes to it, and finishes or
 * cleans up by itself.
 */
final class LeftoverBundle {
    private static final String RUNTIME_DIR = "io.containerd.runtime.v2.task";
    private static final Duration UMOUNT_TIMEOUT = Duration.ofSeconds(10);

    /** A bundle no create has touched for this long is abandoned; a create writes its files within milliseconds. */
    static final Duration ABANDONED_AFTER = Duration.ofSeconds(5);

    private final Path path;

    private LeftoverBundle(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** The bundle a failed create names as in its way, when it is this container's and nothing else. */
    static Optional<LeftoverBundle> namedBy(RuntimeFailure createFailure, String namespace, String containerdId) {
        String message = createFailure.getMessage();
        if (message == null) {
            return Optional.empty();
        }
        Matcher m = Pattern.compile("mkdir (/\\S+/" + Pattern.quote(RUNTIME_DIR) + "/" + Pattern.quote(namespace)
                + "/" + Pattern.quote(containerdId) + "): file exists").matcher(message);
        if (!m.find()) {
            return Optional.empty();
        }
        Path p = Path.of(m.group(1));
        if (!p.isAbsolute() || !p.normalize().equals(p) || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty(); // not where kukeond can see it (another mount namespace), or not a plain path
        }
        return Optional.of(new LeftoverBundle(p));
    }

    /**
     * Waits until the bundle has been left unchanged for {@link #ABANDONED_AFTER}: true when it has,
     * false when it went meanwhile (its create cleaned up), its create made the task after all
     * ({@code taskMade}), or something kept changing it for twice that long (then it is no leftover).
     */
    boolean awaitAbandoned(BooleanSupplier taskMade) throws InterruptedException {
        long giveUp = System.currentTimeMillis() + 2 * ABANDONED_AFTER.toMillis();
        while (System.currentTimeMillis() < giveUp) {
            if (taskMade.getAsBoolean()) {
                return false;
            }
            long changed;
            try {
                changed = Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toMillis();
            } catch (IOException gone) {
                return false;
            }
            long left = changed + ABANDONED_AFTER.toMillis() - System.currentTimeMillis();
            if (left <= 0) {
                return true;
            }
            Thread.sleep(Math.min(left, 250));
        }
        return false;
    }

    /**
     * Ends the bundle's orphaned shim, unmounts what is mounted under it (deepest first) and removes
     * it. Refuses to remove anything while a mount stays, so a container's root filesystem is never
     * walked into.
     */
    void remove() {
        endOrphanedShim();
        List<Path> mounted = mountsUnder();
        HostCommand umount = new HostCommand(null, UMOUNT_TIMEOUT);
        for (Path mountpoint : mounted) {
            try {
                umount.run(List.of("umount", mountpoint.toString()), Map.of(), new byte[0]);
            } catch (IOException e) {
                throw new RuntimeFailure("RuntimeError", "cannot unmount " + mountpoint + ": " + e.getMessage(), e);
            }
        }
        List<Path> stillMounted = mountsUnder();
        if (!stillMounted.isEmpty()) {
            throw new RuntimeFailure("RuntimeError", "the leftover task directory " + path
                    + " cannot be removed: " + stillMounted.get(0) + " stays mounted");
        }
        try {
            FileModes.deleteTree(path);
        } catch (IOException e) {
            throw new RuntimeFailure("RuntimeError", "cannot remove the leftover task directory " + path + ": " + e.getMessage(), e);
        }
    }

    private List<Path> mountsUnder() {
        return MountInfo.mountpoints().stream().filter(m -> m.startsWith(path)).distinct()
                .sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList();
    }

    /** containerd-shim-runc-v2 writes its PID to shim.pid in the bundle; one that outlived its task is ended. */
    private void endOrphanedShim() {
        Path pidFile = path.resolve("shim.pid");
        if (!Files.isRegularFile(pidFile, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid)
                    .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().toString().startsWith("containerd-shim")).orElse(false))
                    .ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | NumberFormatException unreadable) {
            // no shim to end: it never wrote its PID
        }
    }
}
