package io.kukeon.api;

import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.Sizes;
import io.kukeon.wire.v1.StatusResponse;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space of the data dir, which holds the journal: below the reserve, calls that write are
 * refused before anything is routed, so that a full disk never meets the journal half-way through
 * an apply; the reserve is room for what the tree writes on its own (exits, restarts).
 */
public final class DataDirSpace {
    static final String NAME = "data-dir";
    private final Path dir;
    private final FileStore store;
    private final long reserve;
    private final long warn;

    /**
     * @param reserve bytes below which writes are refused (0: never)
     * @param warn    bytes below which status warns
     */
    public DataDirSpace(Path dir, long reserve, long warn) throws IOException {
        this.dir = dir;
        this.store = Files.getFileStore(dir);   // found once: each reading is then one statvfs
        this.reserve = reserve;
        this.warn = warn;
    }

    /** Bytes free to us in the data dir's filesystem, -1 when it cannot be read. */
    public long freeBytes() {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Refuses a call that writes while the data dir is below its reserve. */
    public void requireRoom() {
        long free = freeBytes();
        if (reserve > 0 && free >= 0 && free < reserve) {
            throw new ResourceExhaustedException("data dir full: " + Sizes.of(free) + " free, " + Sizes.of(reserve)
                    + " reserved (data-dir-reserve); free space in " + dir + " or grow its filesystem");
        }
    }

    /** What its filesystem holds, as df counts it; empty when it cannot be read. */
    private String used() {
        try {
            long total = store.getTotalSpace();
            return ", " + Sizes.of(total - store.getUnallocatedSpace()) + " used of " + Sizes.of(total);
        } catch (IOException e) {
            return "";
        }
    }

    /** OK, WARN below the warning level, FAIL below the reserve, with the free space. */
    StatusResponse.Check check() {
        long free = freeBytes();
        if (free < 0) {
            return DaemonStatus.check(NAME, "WARN", "cannot read the free space of " + dir);
        }
        String detail = Sizes.of(free) + " free in " + dir + used();
        if (reserve > 0 && free < reserve) {
            return DaemonStatus.check(NAME, "FAIL", detail + ", below the reserve of " + Sizes.of(reserve)
                    + ": calls that write are refused");
        }
        if (free < warn) {
            return DaemonStatus.check(NAME, "WARN", detail + ", below " + Sizes.of(warn) + " (data-dir-warn)");
        }
        return DaemonStatus.check(NAME, "OK", detail);
    }
}
