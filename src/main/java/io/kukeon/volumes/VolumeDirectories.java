package io.kukeon.volumes;

import io.kukeon.model.ObjectPath;
import io.kukeon.model.ReclaimPolicy;
import io.kukeon.model.StoredVolume;
import io.kukeon.secrets.FileModes;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;

/**
 * Where Volumes keep their data: {@code <root>/<realm>[/<space>[/<stack>]]/_volumes/<name>}, root
 * being {@code <data-dir>/volumes}. No name holds {@code _}, so a scope's volumes never meet a
 * child scope's directory. A volume's directory is 2770 (setgid: what its users make stays in its
 * group) and owned by root until a container mounts it, which makes it its user's; the directories
 * above are 0700, root's only (a bind mount needs no way through them). Nothing here follows a
 * symbolic link: a link a container planted in a volume is removed as a link, never as its target.
 */
public final class VolumeDirectories {
    /** The mode of a volume's directory and of the sub-directories made in it for a mount's source. */
    public static final int VOLUME_MODE = 02770;
    private static final String VOLUMES = "_volumes";

    private final Path root;

    public VolumeDirectories(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The directory of the volume {@code name} held by {@code scope}. */
    public Path dir(ObjectPath scope, String name) {
        Path dir = root;
        for (String segment : scope.segments()) {
            dir = dir.resolve(segment);
        }
        return dir.resolve(VOLUMES).resolve(name);
    }

    /**
     * Makes the volume's directory when it is missing (its parents 0700); one that exists is adopted
     * with its data, its mode made {@link #VOLUME_MODE} again. Idempotent.
     */
    public Path ensure(ObjectPath scope, String name) throws IOException {
        Path dir = dir(scope, name);
        FileModes.createPrivateDirectories(dir.getParent());
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException present) {
            requireDirectory(dir);
        }
        Files.setAttribute(dir, "unix:mode", VOLUME_MODE, LinkOption.NOFOLLOW_LINKS);
        return dir;
    }

    /**
     * The host path a mount binds: the volume's directory, or {@code subPath} inside it, whose missing
     * directories are made ({@link #VOLUME_MODE}). A component that is a symbolic link or not a
     * directory is refused, so the path stays inside the volume.
     */
    public Path mountSource(ObjectPath scope, String name, String subPath) throws IOException {
        Path dir = ensure(scope, name);
        if (subPath == null) {
            return dir;
        }
        for (String part : subPath.split("/")) {
            dir = dir.resolve(part);
            try {
                Files.createDirectory(dir);
                Files.setAttribute(dir, "unix:mode", VOLUME_MODE, LinkOption.NOFOLLOW_LINKS);
            } catch (FileAlreadyExistsException present) {
                requireDirectory(dir);
            }
        }
        return dir;
    }

    /** Removes the volume's directory and everything in it; links are removed, never followed. */
    public void remove(ObjectPath scope, String name) throws IOException {
        Path dir = dir(scope, name);
        FileModes.deleteTree(dir);
        removeIfEmpty(dir.getParent());
    }

    /**
     * What a deleted scope leaves: the directories of its {@link ReclaimPolicy#Delete} volumes are
     * removed, those of its {@link ReclaimPolicy#Retain} ones stay for a volume of that name to adopt.
     */
    public void reclaim(ObjectPath scope, Map<String, StoredVolume> volumes) throws IOException {
        for (Map.Entry<String, StoredVolume> v : volumes.entrySet()) {
            if (v.getValue().reclaimPolicy() == ReclaimPolicy.Delete) {
                remove(scope, v.getKey());
            }
        }
    }

    /** Bytes used under the volume's directory, counted within the bounds given. */
    public DiskUsage usage(ObjectPath scope, String name, int maxEntries, Duration maxTime) {
        return DiskUsage.of(dir(scope, name), maxEntries, maxTime);
    }

    private static void requireDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory (a symbolic link or a file is not followed)");
        }
    }

    private static void removeIfEmpty(Path dir) throws IOException {
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException kept) {
            // other volumes of the scope, or retained ones
        }
    }

    /** The bytes of a directory tree, and whether the walk saw all of it before its bounds. */
    public record DiskUsage(long bytes, long entries, boolean complete) {

        static DiskUsage of(Path dir, int maxEntries, Duration maxTime) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return new DiskUsage(0, 0, true);
            }
            long deadline = System.nanoTime() + maxTime.toNanos();
            long[] bytes = {0};
            long[] entries = {0};
            boolean[] complete = {true};
            try {
                Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                        return count(attrs);
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        return count(attrs);
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE;   // gone or unreadable meanwhile: not counted
                    }

                    private FileVisitResult count(BasicFileAttributes attrs) {
                        bytes[0] += attrs.isRegularFile() ? attrs.size() : 0;
                        if (++entries[0] >= maxEntries || System.nanoTime() > deadline) {
                            complete[0] = false;
                            return FileVisitResult.TERMINATE;
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                complete[0] = false;
            }
            return new DiskUsage(bytes[0], entries[0], complete[0]);
        }
    }
}
