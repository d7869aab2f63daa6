package io.kukeon.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the last N lines of a run of log files begin, read from the end backwards a block at a
 * time, so a tail reads about what it shows whatever the files' size. A line is an F record (or a
 * plain line) with the P records of its stream before it; a run of P records at the very end (a
 * line being written) is a line too. Records the query does not show are not counted; a record
 * older than {@code since} ends the search.
 */
final class LogTail {
    private static final int BLOCK = 64 * 1024;

    private LogTail() {}

    /** A file of the run (by index) and the offset in it where reading starts. */
    record Position(int file, long offset) {}

    static Position start(List<FileChannel> files, LogQuery query) throws IOException {
        Counter counter = new Counter(query);
        Position start = files.isEmpty() ? new Position(0, 0) : new Position(files.size() - 1, files.get(files.size() - 1).size());
        for (int f = files.size() - 1; f >= 0; f--) {
            Long offset = scan(files.get(f), counter);
            if (offset != null) {
                start = new Position(f, offset);
            }
            if (counter.done) {
                return start;
            }
        }
        return start;
    }

    /** Counts this file's lines from its end; returns the earliest offset a counted line begins at, or null. */
    private static Long scan(FileChannel file, Counter counter) throws IOException {
        long end = file.size();
        Long earliest = null;
        byte[] carry = new byte[0];
        boolean last = true;   // the file's final newline ends its last line, it does not begin an empty one
        while (end > 0 || carry.length > 0) {
            long blockStart = Math.max(0, end - BLOCK);
            byte[] block = new byte[(int) (end - blockStart) + carry.length];
            ByteBuffer buf = ByteBuffer.wrap(block, 0, (int) (end - blockStart));
            while (buf.hasRemaining() && file.read(buf, blockStart + buf.position()) > 0) {
                // positional reads: the cursor's own position is untouched
            }
            System.arraycopy(carry, 0, block, (int) (end - blockStart), carry.length);
            int lineEnd = block.length;
            if (last && lineEnd > 0 && block[lineEnd - 1] == '\n') {
                lineEnd--;
            }
            last = false;
            for (int i = lineEnd - 1; i >= -1; i--) {
                if (i >= 0 && block[i] != '\n') {
                    continue;
                }
                if (i < 0 && blockStart > 0 && lineEnd < LogCursor.MAX_LINE) {
                    break;   // the line goes on in the block before
                }
                if (counter.counts(LogRecord.parse(block, i + 1, lineEnd - i - 1))) {
                    earliest = blockStart + i + 1;
                }
                if (counter.done) {
                    return earliest;
                }
                lineEnd = i;
            }
            carry = java.util.Arrays.copyOfRange(block, 0, Math.max(lineEnd, 0));
            end = blockStart;
            if (blockStart == 0) {
                break;
            }
        }
        return earliest;
    }

    /** The line count, and the streams whose counted line may still begin with earlier P records. */
    private static final class Counter {
        private final LogQuery query;
        private int counted;
        private final Map<String, Boolean> open = new HashMap<>();
        private final Map<String, Boolean> seen = new HashMap<>();
        boolean done;

        Counter(LogQuery query) {
            this.query = query;
        }

        /** Whether the record belongs to a counted line. */
        boolean counts(LogRecord r) {
            if (!query.isRecent(r)) {
                done = true;   // the records before it are older still
                return false;
            }
            if (!query.showsStream(r)) {
                return false;
            }
            String s = r.stream();
            boolean isOpen = open.getOrDefault(s, false);
            boolean firstOfStream = !seen.getOrDefault(s, false);
            seen.put(s, true);
            if (r.partial() && (isOpen || (firstOfStream && counted < query.tailLines()))) {
                if (!isOpen) {
                    counted++;   // a line still being written
                    open.put(s, true);
                }
                return true;
            }
            open.put(s, false);
            if (!r.partial() && counted < query.tailLines()) {
                counted++;
                open.put(s, true);
                return true;
            }
            done = counted >= query.tailLines() && !open.containsValue(true);
            return false;
        }
    }
}
