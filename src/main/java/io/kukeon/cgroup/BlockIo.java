package io.kukeon.cgroup;

/** Bytes a group read from and wrote to block devices, summed over devices, from either hierarchy's file. */
record BlockIo(long readBytes, long writeBytes) {

    /**
     * v1's {@code blkio.throttle.io_service_bytes_recursive}: {@code MAJ:MIN Read|Write|... N} lines
     * and a {@code Total N} line; null when the file is absent.
     */
    static BlockIo v1(String content) {
        if (content == null) {
            return null;
        }
        long read = 0;
        long write = 0;
        for (String line : content.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[1].equals("Read")) {
                read += Long.parseLong(f[2]);
            } else if (f.length == 3 && f[1].equals("Write")) {
                write += Long.parseLong(f[2]);
            }
        }
        return new BlockIo(read, write);
    }

    /** v2's {@code io.stat}: {@code MAJ:MIN rbytes=N wbytes=N rios=N ...} per device; null when absent. */
    static BlockIo v2(String content) {
        if (content == null) {
            return null;
        }
        long read = 0;
        long write = 0;
        for (String line : content.split("\n")) {
            for (String field : line.trim().split("\\s+")) {
                if (field.startsWith("rbytes=")) {
                    read += Long.parseLong(field.substring("rbytes=".length()));
                } else if (field.startsWith("wbytes=")) {
                    write += Long.parseLong(field.substring("wbytes=".length()));
                }
            }
        }
        return new BlockIo(read, write);
    }

    static Long read(BlockIo io) {
        return io == null ? null : io.readBytes();
    }

    static Long write(BlockIo io) {
        return io == null ? null : io.writeBytes();
    }
}
