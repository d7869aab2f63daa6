package io.kukeon.secrets;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The one place that decides the modes of what kukeond keeps on disk: its data dir and everything
 * in it (journal, key, token, uploads, container logs) are for root only, directories 0700 and
 * files 0600, since the journal holds registry logins and the logs whatever containers print.
 * One exception: the files kukeond bind-mounts into containers for them to read (a cell's
 * {@code /etc/hosts}) are 0644, since a container's user need not be root; their directories stay
 * 0700, so on the host they are still root's only.
 */
public final class FileModes {
    private FileModes() {}

    public static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
    /** A file bind-mounted read-only into containers, whatever user they run as. */
    public static final Set<PosixFilePermission> CONTAINER_READABLE_FILE = PosixFilePermissions.fromString("rw-r--r--");

    /** For {@code sh}: what a process writing into the data dir (the shim's log copier) sets first. */
    public static final String PRIVATE_UMASK = "077";

    public static FileAttribute<Set<PosixFilePermission>> privateDir() {
        return PosixFilePermissions.asFileAttribute(PRIVATE_DIR);
    }

    public static FileAttribute<Set<PosixFilePermission>> privateFile() {
        return PosixFilePermissions.asFileAttribute(PRIVATE_FILE);
    }

    public static FileAttribute<Set<PosixFilePermission>> containerReadableFile() {
        return PosixFilePermissions.asFileAttribute(CONTAINER_READABLE_FILE);
    }

    /**
     * {@code dir} and its missing parents, each one made 0700. Directories that exist are left as
     * they are: those in the data dir are tightened at start-up, the others are not ours.
     */
    public static Path createPrivateDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            createPrivateDirectories(parent);
        }
        if (!Files.isDirectory(absolute)) {
            try {
                Files.createDirectory(absolute, privateDir());
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another thread made it between the check and here
            }
        }
        return dir;
    }

    /** Writes {@code content} to {@code file}, 0600 from its first byte, in one step (a temporary file moved into place). */
    public static void writePrivateFile(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, privateFile());
        Files.write(tmp, content);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** An empty 0600 file at {@code file} unless one is there: for a file that another component appends to. */
    public static void createPrivateFile(Path file) throws IOException {
        try {
            Files.createFile(file, privateFile());
        } catch (java.nio.file.FileAlreadyExistsException present) {
            // kept as it is; the start-up walk tightens it
        }
    }

    /**
     * Makes every directory under {@code root} (itself included) 0700 and every regular file 0600:
     * what a kukeond before this rule left readable is tightened at start-up. Symbolic links are
     * neither followed nor changed, so nothing outside {@code root} is touched.
     *
     * @return how many files and directories were changed
     */
    public static int tightenTree(Path root) throws IOException {
        return tightenTree(root, file -> false);
    }

    /**
     * As {@link #tightenTree(Path)}, but the regular files {@code containerReadable} accepts are made
     * {@link #CONTAINER_READABLE_FILE} instead (their directories are still made 0700).
     */
    public static int tightenTree(Path root, Predicate<Path> containerReadable) throws IOException {
        return tightenTree(root, containerReadable, dir -> false);
    }

    /**
     * As {@link #tightenTree(Path, Predicate)}, but what lies under the directories {@code keepInside}
     * accepts is left as it is (the directory itself is made 0700): trees whose modes are their users'.
     */
    public static int tightenTree(Path root, Predicate<Path> containerReadable, Predicate<Path> keepInside)
            throws IOException {
        int[] changed = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                changed[0] += tighten(dir, PRIVATE_DIR);
                return keepInside.test(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    changed[0] += tighten(file, containerReadable.test(file) ? CONTAINER_READABLE_FILE : PRIVATE_FILE);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return changed[0];
    }

    /**
     * Removes {@code root} and everything under it, if it is there. Symbolic links are removed, not
     * followed. Mounts are not looked at: a caller whose tree may hold one unmounts it first.
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return FileVisitResult.CONTINUE;   // removed meanwhile: that is what we wanted
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof java.nio.file.NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static int tighten(Path path, Set<PosixFilePermission> mode) throws IOException {
        if (Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
            return 0;
        }
        Files.setPosixFilePermissions(path, mode);
        return 1;
    }
}
