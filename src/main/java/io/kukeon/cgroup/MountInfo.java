package io.kukeon.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The mounts of {@code /proc/self/mountinfo} (proc(5)), the only source we trust for the layout. */
public final class MountInfo {
    static final Path SELF = Path.of("/proc/self/mountinfo");

    private MountInfo() {}

    /**
     * One cgroup mount.
     *
     * @param root        the group of the hierarchy mounted here ({@code /} unless it is a bind of a subtree)
     * @param options     super options; for v1 they name the controllers ({@code cpu}, {@code name=systemd})
     */
    record Mount(Path mountpoint, String root, String fsType, Set<String> options) {
        Mount {
            options = Set.copyOf(options);
        }

        boolean isV2() {
            return "cgroup2".equals(fsType);
        }

        boolean isV1() {
            return "cgroup".equals(fsType);
        }
    }

    /** Every mount point of kukeond's mount namespace, in mount order. */
    public static List<Path> mountpoints() {
        try {
            List<Path> out = new ArrayList<>();
            for (String line : Files.readAllLines(SELF)) {
                String[] f = line.trim().split(" ");
                if (f.length > 4) {
                    out.add(Path.of(unescape(f[4])));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SELF, e);
        }
    }

    static List<Mount> read() {
        try {
            return parse(Files.readAllLines(SELF));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SELF, e);
        }
    }

    /** The cgroup and cgroup2 mounts, in mount order; other lines are skipped. */
    static List<Mount> parse(List<String> lines) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (dash < 6 || f.length < dash + 4) {
                continue;
            }
            String fsType = f[dash + 1];
            if (!fsType.equals("cgroup") && !fsType.equals("cgroup2")) {
                continue;
            }
            Set<String> options = new LinkedHashSet<>(Arrays.asList(f[dash + 3].split(",")));
            mounts.add(new Mount(Path.of(unescape(f[4])), unescape(f[3]), fsType, options));
        }
        return mounts;
    }

    /** The kernel writes space, tab, newline and backslash in paths as octal escapes ({@code \040}). */
    static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
