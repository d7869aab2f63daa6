package io.kukeon.runtime.oci;

import io.kukeon.model.InvalidArgumentException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Device nodes of the host as the OCI spec names them: type, major and minor read from the node itself. */
final class HostDevices {
    /** What a privileged container gets at most of the host's /dev. */
    static final int MAX_HOST_DEVICES = 4096;
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    /** Parts of /dev a container mounts itself (or must not see twice). */
    private static final Set<String> NOT_COPIED = Set.of("pts", "shm", "mqueue", "fd", "console", "ptmx");

    private HostDevices() {}

    /**
     * @param path   the host path, also where the node appears in the container
     * @param type   {@code c} or {@code b}
     * @param fileMode the permission bits of the node
     */
    record Device(String path, String type, long major, long minor, int fileMode, int uid, int gid) {}

    /**
     * The device node at {@code path} (a symbolic link is followed, the node keeps the path given).
     *
     * @throws InvalidArgumentException naming {@code field} when there is none or it is no device
     */
    static Device of(String path, String field) {
        Path p = Path.of(path);
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev,uid,gid");
            Device d = device(path, a);
            if (d == null) {
                throw new InvalidArgumentException(field, "\"" + path + "\" is not a device node (a character or block"
                        + " device) on the host");
            }
            return d;
        } catch (NoSuchFileException e) {
            throw new InvalidArgumentException(field, "\"" + path + "\" does not exist on the host");
        } catch (IOException | UnsupportedOperationException e) {
            throw new InvalidArgumentException(field, "\"" + path + "\" cannot be read on the host: " + e.getMessage());
        }
    }

    /** Every device node under {@code dev} (symbolic links and what the container mounts itself left out), at most {@link #MAX_HOST_DEVICES}. */
    static List<Device> all(Path dev) {
        List<Device> out = new ArrayList<>();
        try {
            Files.walkFileTree(dev, Set.of(), 8, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(dev) && NOT_COPIED.contains(dir.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isOther() && !NOT_COPIED.contains(file.getFileName().toString())) {
                        Device d = device(file.toString(), Files.readAttributes(file, "unix:mode,rdev,uid,gid",
                                java.nio.file.LinkOption.NOFOLLOW_LINKS));
                        if (d != null) {
                            out.add(d);
                        }
                    }
                    return out.size() >= MAX_HOST_DEVICES ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;   // a node that vanished or cannot be read is not copied
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the host's devices in " + dev, e);
        }
        return out;
    }

    private static Device device(String path, Map<String, Object> a) {
        int mode = (Integer) a.get("mode");
        String type = (mode & S_IFMT) == S_IFCHR ? "c" : (mode & S_IFMT) == S_IFBLK ? "b" : null;
        if (type == null) {
            return null;
        }
        long rdev = (Long) a.get("rdev");
        // glibc's major()/minor() of a 64-bit dev_t
        long major = ((rdev >>> 8) & 0xfffL) | ((rdev >>> 32) & 0xfffff000L);
        long minor = (rdev & 0xffL) | ((rdev >>> 12) & 0xffffff00L);
        return new Device(path, type, major, minor, mode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"));
    }
}
