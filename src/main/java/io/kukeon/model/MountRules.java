package io.kukeon.model;

import java.util.List;

/**
 * The rules a container's mounts share: the paths they name (the host's source of a bind, the target
 * in the container: absolute and normalised, and not a target kukeond keeps for itself), the size of
 * a tmpfs and the octal modes.
 */
public final class MountRules {
    public static final int MAX_PATH_LENGTH = 4096;
    /** A tmpfs holds at least one page and at most 1 TiB; its pages count against the container's memory limit. */
    public static final long MIN_TMPFS_BYTES = 4096;
    public static final long MAX_TMPFS_BYTES = 1L << 40;
    /** The cell's own files, bound into each of its containers (see {@code io.kukeon.network.CellNameFiles}). */
    public static final List<String> CELL_FILES = List.of("/etc/hostname", "/etc/hosts", "/etc/resolv.conf");
    /** Trees the runtime mounts itself: a mount on or under one would hide or break them. */
    private static final List<String> RUNTIME_TREES = List.of("/proc", "/sys", "/dev/pts");

    private MountRules() {}

    /**
     * A path inside a directory: relative, without {@code .}, {@code ..}, {@code //}, a trailing
     * {@code /} or {@code $} (so it stays inside whatever it is resolved against).
     */
    public static void requireSubPath(String field, String path) {
        if (path.length() > MAX_PATH_LENGTH || path.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(field, "must be a path of at most " + MAX_PATH_LENGTH + " characters without NUL");
        }
        if (path.indexOf('$') >= 0) {
            throw new InvalidArgumentException(field, "\"" + Names.printable(path) + "\": only ${CELL_NAME} is expanded");
        }
        if (path.startsWith("/") || !isNormalisedAbsolute("/" + path) || path.isEmpty()) {
            throw new InvalidArgumentException(field, "\"" + Names.printable(path)
                    + "\" must be a relative, normalised path inside the volume (no leading \"/\", \".\", \"..\", \"//\" or trailing \"/\")");
        }
    }

    /** An absolute path without {@code .}, {@code ..}, {@code //} or a trailing {@code /}. */
    public static void requireNormalisedAbsolute(String field, String path) {
        if (path == null || path.isEmpty()) {
            throw new InvalidArgumentException(field, "is required (an absolute path)");
        }
        if (path.length() > MAX_PATH_LENGTH || path.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(field, "must be a path of at most " + MAX_PATH_LENGTH + " characters without NUL");
        }
        if (!isNormalisedAbsolute(path)) {
            throw new InvalidArgumentException(field, "\"" + Names.printable(path)
                    + "\" must be an absolute, normalised path (no \".\", \"..\", \"//\" or trailing \"/\")");
        }
    }

    /** Whether {@code path} is absolute, without {@code .}, {@code ..}, {@code //} or a trailing {@code /}. */
    public static boolean isNormalisedAbsolute(String path) {
        return path.startsWith("/") && (path.equals("/") || !path.endsWith("/")) && !path.contains("//")
                && !(path + "/").contains("/./") && !(path + "/").contains("/../");
    }

    /** A target a user's mount may take: normalised, not {@code /}, not one of the cell's files or the runtime's trees. */
    public static void requireTarget(String field, String target) {
        requireNormalisedAbsolute(field, target);
        if (target.equals("/")) {
            throw new InvalidArgumentException(field, "cannot be \"/\" (the container's root filesystem is its image)");
        }
        if (CELL_FILES.contains(target)) {
            throw new InvalidArgumentException(field, "\"" + target + "\" is the cell's own file, bound into every container");
        }
        if (target.equals("/dev")) {
            throw new InvalidArgumentException(field, "\"/dev\" is the runtime's (mount under it, e.g. /dev/shm)");
        }
        for (String tree : RUNTIME_TREES) {
            if (target.equals(tree) || target.startsWith(tree + "/")) {
                throw new InvalidArgumentException(field, "\"" + Names.printable(target) + "\" is in " + tree
                        + ", which the runtime mounts itself");
            }
        }
    }

    /** A tmpfs's size: required, so that no tmpfs takes the kernel's default of half the host's memory. */
    public static void requireTmpfsSize(String field, Long sizeBytes) {
        if (sizeBytes == null) {
            throw new InvalidArgumentException(field, "is required for a tmpfs (its limit in bytes, e.g. 67108864 for 64 MiB)");
        }
        if (sizeBytes < MIN_TMPFS_BYTES || sizeBytes > MAX_TMPFS_BYTES) {
            throw new InvalidArgumentException(field, "must be between " + MIN_TMPFS_BYTES + " and " + MAX_TMPFS_BYTES
                    + " (got " + sizeBytes + ")");
        }
    }

    /** {@code 0755} for 493: how a mode is written in a manifest and in a mount option. */
    public static String octal(int mode) {
        return String.format("%04o", mode);
    }

    /** An octal file mode ({@code 755}, {@code 0755}, {@code 1777}) as a number. */
    public static int parseMode(String field, String octal) {
        if (octal == null || !octal.matches("[0-7]{1,5}") || Integer.parseInt(octal, 8) > 07777) {
            throw new InvalidArgumentException(field, "must be an octal mode between 0 and 7777, such as 0755 (got \""
                    + Names.printable(String.valueOf(octal)) + "\")");
        }
        return Integer.parseInt(octal, 8);
    }
}
