package io.kukeon.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Files that hold a credential (a key, a secret, a password): their owner's alone. */
public final class PrivateFiles {
    private PrivateFiles() {}

    /**
     * Refuses a file its group or other users may read or write (of a link, its target's mode:
     * secrets are often mounted as links). {@code field} names the setting that gave the file.
     */
    public static void requireOwnerOnly(String field, Path file) {
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (IOException e) {
            throw new InvalidArgumentException(field, "cannot read the mode of " + file + ": " + e.getMessage());
        }
        if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
            throw new InvalidArgumentException(field, file + " is readable by other users: chmod 600 it");
        }
    }
}
