package io.kukeon.cgroup;

import io.kukeon.model.CgroupPath;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One mounted hierarchy seen through our root: every directory and file it touches is checked to lie
 * under {@code <mount>/<root>} (by name, and after resolving symlinks), so no group name and no link
 * planted in the tree can make us create, write or remove anything else. The exception is the way
 * down to our root (the mount root and the groups above ours, e.g. the service group systemd
 * delegates): their files are read, a missing group on it is created (as runc does, in a v1
 * hierarchy the service manager does not use), controllers are added to their
 * {@code cgroup.subtree_control} (without which nothing below could be limited on cgroup v2), and an
 * empty v1 {@code cpuset.cpus}/{@code cpuset.mems} is filled; nothing there is ever removed.
 *
 * <p>A plain directory may stand in for a cgroup filesystem (a test's fake tree). The kernel creates
 * and removes a group's interface files itself; in a stand-in we create a file on first write and
 * remove the files before the directory.
 */
final class ConfinedHierarchy {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path mount;
    private final CgroupPath root;
    private final Path top;
    private final boolean kernel;

    ConfinedHierarchy(Path mountpoint, CgroupPath root) {
        try {
            this.mount = mountpoint.toRealPath();
            String type = Files.getFileStore(this.mount).type();
            this.kernel = type.equals("cgroup") || type.equals("cgroup2");
        } catch (IOException e) {
            throw new CgroupFailureException("cannot open the cgroup mountpoint " + mountpoint + ": " + e, e);
        }
        this.root = root;
        this.top = mount.resolve(root.relative());
    }

    Path mount() {
        return mount;
    }

    boolean isKernel() {
        return kernel;
    }

    /** The group's directory, after checking that it is, and resolves to, a place under our root. */
    Path dir(CgroupPath group) {
        if (!group.isUnder(root)) {
            throw new CgroupEscapeException(group + " is outside our cgroup root " + root);
        }
        Path p = mount.resolve(group.relative()).normalize();
        if (!p.startsWith(top)) {
            throw new CgroupEscapeException(group + " resolves to " + p + ", outside " + top);
        }
        Path q = mount;
        for (String segment : group.segments()) {
            q = q.resolve(segment);
            if (Files.isSymbolicLink(q)) {
                throw new CgroupEscapeException(q + " is a symlink; refusing to follow it out of " + top);
            }
            if (!Files.exists(q, NOFOLLOW)) {
                break;
            }
            if (!Files.isDirectory(q, NOFOLLOW)) {
                throw new CgroupEscapeException(q + " is not a directory");
            }
            try {
                // on the way down to our root a group must be itself; from the root on, anywhere under it
                Path real = q.toRealPath();
                if (q.startsWith(top) ? !real.startsWith(top) : !real.equals(q)) {
                    throw new CgroupEscapeException(q + " resolves to " + real + ", outside " + top);
                }
            } catch (IOException e) {
                throw new CgroupFailureException("cannot resolve " + q + ": " + e, e);
            }
        }
        return p;
    }

    boolean exists(CgroupPath group) {
        return Files.isDirectory(dir(group), NOFOLLOW);
    }

    /**
     * The group's directory checked once, for the many files one operation reads and writes in it:
     * each of them then costs its own lstat and read, not a walk of every level (a v1 ensure of an
     * existing group reads some twenty files). Interface files are still refused when they are links.
     */
    CheckedGroup checked(CgroupPath group) {
        return new CheckedGroup(dir(group));
    }

    /** A group's directory as {@link #dir} checked it (it may not exist yet). */
    final class CheckedGroup {
        private final Path dir;

        private CheckedGroup(Path dir) {
            this.dir = dir;
        }

        boolean exists() {
            return Files.isDirectory(dir, NOFOLLOW);
        }

        Path file(String name) {
            return fileIn(dir, name);
        }

        boolean has(String name) {
            return Files.isRegularFile(file(name), NOFOLLOW);
        }

        String read(String name) {
            return readPath(file(name));
        }

        void write(String name, String value) throws IOException {
            writePath(file(name), value);
        }
    }

    /** Creates the group and its missing ancestors, top first: those on the way down to our root, then ours. */
    void createDirs(CgroupPath group) {
        if (Files.isDirectory(dir(group), NOFOLLOW)) {
            return;   // dir checked every level on the way: each a real directory where it should be
        }
        List<CgroupPath> levels = new ArrayList<>();
        for (CgroupPath g = group; g != null; g = g.parent()) {
            levels.add(0, g);
        }
        for (CgroupPath level : levels) {
            boolean above = isAboveRoot(level);
            Path d = above ? aboveRoot(level) : dir(level);
            try {
                Files.createDirectory(d);
            } catch (FileAlreadyExistsException e) {
                // re-checked: it must be a real directory on the way or under the root, not something planted
                if (above) {
                    aboveRoot(level);
                } else {
                    dir(level);
                }
            } catch (IOException e) {
                throw new CgroupFailureException("cannot create " + d + ": " + reason(e), e);
            }
        }
    }

    Path file(CgroupPath group, String name) {
        return fileIn(dir(group), name);
    }

    private static Path fileIn(Path dir, String name) {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("not a cgroup file name: " + name);
        }
        Path f = dir.resolve(name);
        if (Files.isSymbolicLink(f)) {
            throw new CgroupEscapeException(f + " is a symlink; refusing to follow it");
        }
        return f;
    }

    boolean has(CgroupPath group, String name) {
        return Files.isRegularFile(file(group, name), NOFOLLOW);
    }

    /** The file's content without the trailing newline, or null when the file does not exist. */
    String read(CgroupPath group, String name) {
        return readPath(group == null || isAboveRoot(group) ? fileAboveRoot(group, name) : file(group, name));
    }

    /**
     * Writes one value in one write(2), as the kernel wants it; the newline makes a stand-in look like the kernel's reads.
     * On the way down to our root ({@code group} null: the mount root) only additions to
     * {@code cgroup.subtree_control} and an empty v1 cpuset's cpus and mems are written.
     */
    void write(CgroupPath group, String name, String value) throws IOException {
        if (group == null || isAboveRoot(group)) {
            writePath(writableAboveRoot(group, name, value), value);
        } else {
            writePath(file(group, name), value);
        }
    }

    /** A file of the mount root itself (e.g. {@code cgroup.controllers}); read-only. */
    String readMountFile(String name) {
        return read(null, name);
    }

    /** A group that holds our root (not the mount root, which is null here). */
    private boolean isAboveRoot(CgroupPath group) {
        return root.isUnder(group) && !root.equals(group);
    }

    /** The directory of a group on the way down to our root, refused when a link on the way could lead elsewhere. */
    private Path aboveRoot(CgroupPath group) {
        if (group != null && !isAboveRoot(group)) {
            throw new CgroupEscapeException(group + " is not on the way down to our cgroup root " + root);
        }
        Path q = mount;
        for (String segment : group == null ? List.<String>of() : group.segments()) {
            q = q.resolve(segment);
            if (Files.isSymbolicLink(q) || (Files.exists(q, NOFOLLOW) && !Files.isDirectory(q, NOFOLLOW))) {
                throw new CgroupEscapeException(q + " is not a directory; refusing to use it on the way to " + top);
            }
        }
        return q;
    }

    private Path fileAboveRoot(CgroupPath group, String name) {
        return fileIn(aboveRoot(group), name);
    }

    private Path writableAboveRoot(CgroupPath group, String name, String value) {
        boolean additions = name.equals("cgroup.subtree_control") && value.matches("(\\+[a-z_]+ ?)+");
        String current = read(group, name);
        boolean emptyCpuset = (name.equals("cpuset.cpus") || name.equals("cpuset.mems"))
                && (current == null || current.isBlank());
        if (!additions && !emptyCpuset) {
            throw new CgroupEscapeException("only controllers added to cgroup.subtree_control and an empty cpuset's"
                    + " cpus and mems are written above our root, not " + name + " = " + value
                    + " in " + aboveRoot(group));
        }
        return fileAboveRoot(group, name);
    }

    /** The group and every group below it, deepest first. Symlinks are listed as nothing and never followed. */
    List<CgroupPath> subtree(CgroupPath group) {
        Path d = dir(group);
        if (!Files.isDirectory(d, NOFOLLOW)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(d)) {
            return walk.filter(p -> Files.isDirectory(p, NOFOLLOW))
                    .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                    .map(p -> CgroupPath.parse(mount.relativize(p).toString()))
                    .toList();
        } catch (IOException e) {
            throw new CgroupFailureException("cannot list " + d + ": " + reason(e), e);
        }
    }

    /** rmdir of one group (its children must be gone); in a stand-in the plain files go first. */
    void removeDir(CgroupPath group) throws IOException {
        Path d = dir(group);
        if (!kernel) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
                for (Path e : entries) {
                    if (!Files.isDirectory(e, NOFOLLOW)) {
                        Files.delete(e);
                    }
                }
            }
        }
        Files.delete(d);
    }

    private String readPath(Path f) {
        try {
            String s = Files.readString(f, StandardCharsets.UTF_8);
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CgroupFailureException("cannot read " + f + ": " + reason(e), e);
        }
    }

    private void writePath(Path f, String value) throws IOException {
        List<OpenOption> options = new ArrayList<>(List.of(StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, NOFOLLOW));
        if (!kernel) {
            options.add(StandardOpenOption.CREATE);
        }
        Files.write(f, (value + "\n").getBytes(StandardCharsets.UTF_8), options.toArray(OpenOption[]::new));
    }

    @Override
    public String toString() {
        return top.toString();
    }

    /** The errno text of a failed file operation ("Device or resource busy"), which is what an operator needs. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
