package io.kukeon.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A temp directory standing in for a cgroup2 mount: the root files a real one offers, nothing else. */
final class FakeCgroup2Tree {
    static final String ALL = "cpuset cpu io memory hugetlb pids rdma misc";

    private FakeCgroup2Tree() {}

    static Path create(Path dir, String offered) throws IOException {
        Files.writeString(dir.resolve("cgroup.controllers"), offered + "\n");
        Files.writeString(dir.resolve("cgroup.subtree_control"), "");
        Files.writeString(dir.resolve("cgroup.procs"), "");
        return dir;
    }

    /** A group directory as if the kernel had made it, with the given (empty or set) interface files. */
    static Path group(Path mount, String relative, String... fileAndContent) throws IOException {
        Path d = Files.createDirectories(mount.resolve(relative));
        for (int i = 0; i < fileAndContent.length; i += 2) {
            Files.writeString(d.resolve(fileAndContent[i]), fileAndContent[i + 1]);
        }
        return d;
    }

    static String read(Path mount, String relativeFile) throws IOException {
        return Files.readString(mount.resolve(relativeFile));
    }
}
